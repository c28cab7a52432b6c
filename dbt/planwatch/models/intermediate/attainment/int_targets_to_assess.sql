{#- The targets this build assesses, and whether at every date or at the latest date only
    (int_target_dates_to_assess); mart_attainment_history keeps the rows of all others.

    A full build (make run and job build_warehouse pass --full-refresh), one without the state
    an earlier build left, or one whose method changed (macros/attainment_method_fingerprint.sql):
    every target at every date.
    Otherwise (job ingest_release: one release taken on its own), what the marts were last built
    from (int_attainment_built_targets, int_attainment_built_values) is compared with now:
      - reassess_all_dates: a target whose definition or whose candidate values changed (a value
        added, revised or withdrawn, or known from another date) is assessed again at every date;
      - reassess_latest: when the assessment date (the latest release) moved, every target is
        assessed at the new date. An unchanged target's values are the same, but time has
        passed (finality, staleness) and the latest row moves to the new date.
    The state is written after mart_attainment_history, so a build that fails before leaves
    the old state, and the next build reassesses at least as much again. -#}
-- the comparison below reads these; a full build does not, but runs after them all the same
-- depends_on: {{ ref('int_target_values_gathered') }}
-- depends_on: {{ ref('int_target_as_of_dates') }}
{{ config(materialized='table') }}

{%- set fingerprint = attainment_method_fingerprint() -%}
{%- set built_targets = none -%}
{%- set built_values = none -%}
{%- if execute and not flags.FULL_REFRESH -%}
    {%- set history = graph.nodes['model.planwatch.mart_attainment_history'] -%}
    {%- if adapter.get_relation(this.database, history.schema, history.alias) is not none -%}
        {%- set built_targets = adapter.get_relation(this.database, this.schema, 'int_attainment_built_targets') -%}
        {%- set built_values = adapter.get_relation(this.database, this.schema, 'int_attainment_built_values') -%}
    {%- endif -%}
    {%- if built_targets is not none and built_values is not none -%}
        {%- set built_with = run_query(
            'select min(method_fingerprint), max(method_fingerprint) from ' ~ built_targets
        ).rows[0] -%}
        {%- if built_with[0] != fingerprint or built_with[1] != fingerprint -%}
            {%- set built_targets = none -%}
        {%- endif -%}
    {%- endif -%}
{%- endif -%}

{%- if built_targets is none or built_values is none %}

    select
        target_key,
        target_id,
        true as reassess_all_dates,
        true as reassess_latest
    from {{ ref('int_targets_converted') }}

{%- else -%}
    {%- set target_columns = adapter.get_columns_in_relation(ref('int_targets_converted'))
        | map(attribute='name') | join(',\n            ') %}

    with targets_now as (
        select
            {{ target_columns }}
        from {{ ref('int_targets_converted') }}
    ),

    targets_built as (
        select
            {{ target_columns }}
        from {{ built_targets }}
    ),

    values_now as (
        select * from {{ ref('int_target_values_gathered') }}
    ),

    values_built as (
        select * from {{ built_values }}
    ),

    targets_added as (
        select * from targets_now
        except
        select * from targets_built
    ),

    values_added as (
        select * from values_now
        except
        select * from values_built
    ),

    values_gone as (
        select * from values_built
        except
        select * from values_now
    ),

    changed as (
        select target_key from targets_added
        union
        select target_key from values_added
        union
        select target_key from values_gone
    ),

    -- the assessment date, as int_target_as_of_dates computed it (once: a scan of every figure)
    assessment_date as (
        select max(as_of_date) as latest_as_of_date
        from {{ ref('int_target_as_of_dates') }}
        where is_latest
    ),

    built_date as (
        select max(latest_as_of_date) as latest_as_of_date
        from {{ built_targets }}
    ),

    latest_moved as (
        select coalesce(assessment_date.latest_as_of_date <> built_date.latest_as_of_date, true) as has_moved
        from assessment_date
        cross join built_date
    )

    select
        targets_now.target_key,
        targets_now.target_id,
        changed.target_key is not null as reassess_all_dates,
        latest_moved.has_moved as reassess_latest
    from targets_now
    cross join latest_moved
    left join changed on targets_now.target_key = changed.target_key
    where changed.target_key is not null or latest_moved.has_moved

{%- endif %}
