{#- Which figure wins when several releases give the same indicator, region and period:
    the ORDER BY of a window, built from var vintage_precedence (dbt_project.yml), a list of
      final_first    a final figure beats a provisional or estimated one
      official_first a lower source_tier (1 official … 4 secondary) beats a higher one
      latest_first   a more recent release (known_on) beats an older one
    in the order given; release_id breaks the last ties so the choice is deterministic.
    Nulls are placed explicitly (an unknown tier or date loses): DuckDB sorts them last and
    Spark first in an ascending order, so the engines would otherwise pick different figures.
    The model must expose is_provisional, is_estimated, source_tier, known_on, release_id. -#}
{% macro vintage_order(prefix='') -%}
    {%- set criteria = {
        'final_first': 'case when ' ~ prefix ~ 'is_provisional or ' ~ prefix ~ 'is_estimated then 1 else 0 end',
        'official_first': prefix ~ 'source_tier nulls last',
        'latest_first': prefix ~ 'known_on desc nulls last',
    } -%}
    {%- for name in var('vintage_precedence') -%}
        {%- if name not in criteria -%}
            {{ exceptions.raise_compiler_error("vintage_precedence: unknown criterion '" ~ name ~ "'; use " ~ criteria.keys() | join(', ')) }}
        {%- endif -%}
        {{ criteria[name] }},
    {% endfor -%}
    {{ prefix }}release_id
{%- endmacro %}
