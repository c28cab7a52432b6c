{#- What else than its inputs decides a target's assessment: the method's dbt vars and the
    SQL of every model and seed (their checksums). An incremental build of the attainment marts
    (models/intermediate/attainment/int_targets_to_assess.sql) reassesses only targets whose
    inputs changed; when this fingerprint differs from the one the marts were built with, it
    reassesses every target. Macros have no checksum here: after changing one, build in full
    (make run). -#}
{% macro attainment_method_fingerprint() -%}
    {%- set parts = [] -%}
    {%- for name in [
        'attainment_pace_ahead', 'attainment_pace_on_track', 'attainment_pace_needs_acceleration',
        'attainment_pace_lagging', 'attainment_publication_lag_months', 'attainment_as_of_date',
        'vintage_precedence'
    ] -%}
        {%- do parts.append(name ~ '=' ~ (var(name) | string)) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type in ('model', 'seed') -%}
                {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(local_md5(parts | join('|'))) -}}
{%- endmacro %}
