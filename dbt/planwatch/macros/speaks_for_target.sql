{#- Whether an observation can speak for a target: a year from the target's baseline year
    through its target year (a total over several years: ending in that window), or a value
    flagging that the series stopped (is_discontinued), which counts whatever its year. -#}
{% macro speaks_for_target(targets, observations) -%}
    (
        (
            {{ observations }}.period_year >= {{ targets }}.baseline_year
            and {{ observations }}.period_year <= coalesce({{ targets }}.target_year, 9999)
        )
        or {{ observations }}.is_discontinued
    )
{%- endmacro %}
