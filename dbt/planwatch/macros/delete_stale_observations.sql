{#- After an incremental run of fct_observation (models/marts/fct_observation.sql), remove the
    figures no release gives any more: those of a release that is gone, and those an earlier
    version of a release gave (another release_digest) that its latest version no longer does
    (a figure withdrawn in a revision). Figures of groups the run recomputed were replaced
    already; these are the rest. On Spark every dbt run builds every model from an empty
    catalog, and Parquet tables take no DELETE: nothing to do. -#}
{% macro delete_stale_observations(relation) -%}
    {{ return(adapter.dispatch('delete_stale_observations', 'planwatch')(relation)) }}
{%- endmacro %}

{% macro default__delete_stale_observations(relation) -%}
    {%- if is_incremental() -%}
    delete from {{ relation }}
    where not exists (
        select 1
        from (
            select distinct release_id, release_digest from {{ ref('int_observations_converted') }}
        ) as given_now
        where given_now.release_id = {{ relation }}.release_id
            and given_now.release_digest = {{ relation }}.release_digest
    )
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_stale_observations(relation) -%}
{%- endmacro %}
