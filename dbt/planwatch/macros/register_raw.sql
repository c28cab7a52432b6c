{#- The raw tables the ingest assets validated, as dbt's sources see them. On DuckDB they are in
    the build file already: nothing to do. On Spark they arrive as Parquet files, one folder per
    table under PLANWATCH_SPARK_RAW (pipelines/lib/spark.py writes them), and this hook, run at
    the start of every dbt invocation (dbt_project.yml on-run-start), declares each source table
    of schema raw over its files in the session's catalog. -#}
{% macro register_raw() -%}
    {{ return(adapter.dispatch('register_raw', 'planwatch')()) }}
{%- endmacro %}

{% macro default__register_raw() -%}
{%- endmacro %}

{% macro spark__register_raw() -%}
    {%- if execute -%}
        {%- set location = env_var('PLANWATCH_SPARK_RAW') -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- do run_query(
                'create table if not exists raw.' ~ source.name
                ~ " using parquet location '" ~ location ~ '/' ~ source.name ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
