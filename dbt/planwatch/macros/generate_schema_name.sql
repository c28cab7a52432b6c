{#- Use a model's custom schema as is (staging, intermediate, main) rather than dbt's
    default "<target schema>_<custom>", so public tables sit in main under bare names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
