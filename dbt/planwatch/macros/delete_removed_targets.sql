{#- After an incremental build of mart_attainment_history, remove the rows of targets that are
    no longer in the plans (a full build has none). On Spark every dbt run builds every model
    from an empty catalog, and Parquet tables take no DELETE: nothing to do. -#}
{% macro delete_removed_targets(relation) -%}
    {{ return(adapter.dispatch('delete_removed_targets', 'planwatch')(relation)) }}
{%- endmacro %}

{% macro default__delete_removed_targets(relation) -%}
    {%- if is_incremental() -%}
    delete from {{ relation }}
    where not exists (
        select 1
        from {{ ref('int_targets_converted') }} as targets
        where targets.target_id = {{ relation }}.target_id
    )
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_removed_targets(relation) -%}
{%- endmacro %}
