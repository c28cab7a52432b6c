{#- Generic tests we would otherwise take from dbt_utils (the package hub is unreachable). -#}

{% test non_negative(model, column_name) %}
select {{ column_name }} from {{ model }} where {{ column_name }} < 0
{% endtest %}

{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test year_in_range(model, column_name, min_year=1949, max_year=2100) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} < {{ min_year }} or {{ column_name }} > {{ max_year }}
{% endtest %}
