{#- After an incremental build of mart_attainment_history, remove the rows whose target and date
    are no longer one of int_target_as_of_dates: a date no value speaks for any more (a value
    withdrawn, the old latest date) or a target no plan holds any more. A full build has none.
    On Spark every dbt run builds every model from an empty catalog, and Parquet tables take no
    DELETE: nothing to do. -#}
{% macro delete_rows_no_longer_assessed(relation) -%}
    {{ return(adapter.dispatch('delete_rows_no_longer_assessed', 'planwatch')(relation)) }}
{%- endmacro %}

{% macro default__delete_rows_no_longer_assessed(relation) -%}
    {%- if is_incremental() -%}
    delete from {{ relation }}
    where not exists (
        select 1
        from {{ ref('int_target_as_of_dates') }} as dates
        where
            dates.target_id = {{ relation }}.target_id
            and dates.as_of_date = {{ relation }}.as_of_date
    )
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_rows_no_longer_assessed(relation) -%}
{%- endmacro %}
