{#- One row per published value per release: every vintage kept, canonical units, flags kept.

    Incremental. A run that takes one release (job ingest_release) recomputes only the vintage
    groups (indicator, region, period) that a changed release gives or gave: a release whose rows
    changed since the last build (another release_digest), whose catalogue entry changed, or that
    is gone; every vintage of such a group is recomputed, since which one is current may change.
    Groups of an undated release are recomputed when the latest release date moves (their
    known_on is it).
    macros/delete_stale_observations.sql then removes figures no release gives any more. Full
    builds (make run, job build_warehouse) pass --full-refresh and rebuild the whole table. Change
    var vintage_precedence only with a full build. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('append' if target.type == 'spark' else 'delete+insert'),
    unique_key='vintage_group_id',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_stale_observations(this) }}"
) }}

{#- what makes a release's version: its rows (their digest) and its catalogue entry -#}
{%- set release_version_columns = [
    'release_id', 'release_digest', 'published_on', 'published_on_precision', 'source_tier',
    'release_status', 'published_by'
] %}

with converted as (
    select * from {{ ref('int_observations_converted') }}
),

-- each release as it is now (one row each): whether it changed, and the latest release date
release_versions_now as (
    select distinct {{ release_version_columns | join(', ') }}
    from {{ ref('int_observations_converted') }}
),

latest_release as (
    select max(published_by) as latest_published_by from release_versions_now
),

{% if is_incremental() %}
-- On DuckDB a CTE that more than one other reads is materialized whole: each CTE below reads
-- the wide inputs itself, so that a run that changes little reads few of their rows.
-- each release as the table last saw it
    release_versions_before as (
        select distinct {{ release_version_columns | join(', ') }}
        from {{ this }}
    ),

    changed_releases as (
        select release_id from (
            select * from release_versions_now
            except
            select * from release_versions_before
        ) as added
        union
        select release_id from (
            select * from release_versions_before
            except
            select * from release_versions_now
        ) as dropped
    ),

    latest_moved as (
        select
            coalesce(
                max(release_versions_before.published_by) <> max(latest_release.latest_published_by), true
            ) as has_moved
        from release_versions_before
        cross join latest_release
    ),

    -- the vintage groups to recompute, by their natural key (hashed only once filtered): those a
    -- changed release gives now, those it gave, and those of undated releases if the latest moved
    changed_groups as (
        select
            now_given.indicator_id,
            now_given.region_code,
            now_given.period_start_year,
            now_given.period_year,
            now_given.period_end_month
        from {{ ref('int_observations_converted') }} as now_given
        cross join latest_moved
        where
            now_given.release_id in (select changed_releases.release_id from changed_releases)
            or (now_given.published_by is null and latest_moved.has_moved)
        union
        select
            given_before.indicator_id,
            given_before.region_code,
            given_before.period_start_year,
            given_before.period_year,
            given_before.period_end_month
        from {{ this }} as given_before
        where given_before.release_id in (select changed_releases.release_id from changed_releases)
    ),

    in_scope as (
        select converted.* from converted
        inner join changed_groups
            on
                converted.indicator_id = changed_groups.indicator_id
                and converted.region_code = changed_groups.region_code
                and coalesce(converted.period_start_year, -1) = coalesce(changed_groups.period_start_year, -1)
                and coalesce(converted.period_year, -1) = coalesce(changed_groups.period_year, -1)
                and coalesce(converted.period_end_month, -1) = coalesce(changed_groups.period_end_month, -1)
    ),
{% else %}
    in_scope as (
        select * from converted
    ),
{% endif %}

dated as (
    select
        in_scope.*,
        coalesce(in_scope.published_by, latest_release.latest_published_by) as known_on,
        {{ dbt.hash(dbt.concat([
            "in_scope.indicator_id", "'|'", "in_scope.region_code",
            "'|'", "coalesce(cast(in_scope.period_start_year as " ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(cast(in_scope.period_year as " ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(cast(in_scope.period_end_month as " ~ dbt.type_string() ~ "), '')"
        ])) }} as vintage_group_id
    from in_scope
    cross join latest_release
),

observations as (
    select
        dated.*,
        -- the vintage the marts use today for this indicator, region and period
        row_number() over (
            partition by dated.vintage_group_id
            order by {{ vintage_order('dated.') }}
        ) = 1 as is_current_vintage
    from dated
),

final as (
    select
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(period_year as integer) as period_year,
        cast(period_months as integer) as period_months,
        cast(value as double) as value,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(release_id as {{ dbt.type_string() }}) as release_id,
        cast(published_on as date) as published_on,
        cast(flags as {{ dbt.type_string() }}) as flags,
        cast(observation_id as {{ dbt.type_string() }}) as observation_id,
        cast(period_start_year as integer) as period_start_year,
        cast(period_end_month as integer) as period_end_month,
        cast(published_on_precision as {{ dbt.type_string() }}) as published_on_precision,
        cast(published_by as date) as published_by,
        cast(source_tier as integer) as source_tier,
        cast(qualifier as {{ dbt.type_string() }}) as qualifier,
        is_current_vintage,
        cast(release_status as {{ dbt.type_string() }}) as release_status,
        is_provisional,
        is_partial_period,
        is_estimated,
        is_derived,
        is_check,
        is_discontinued,
        is_concept_mismatch,
        is_multi_year_total,
        cast(value_as_published as double) as value_as_published,
        cast(unit_as_published as {{ dbt.type_string() }}) as unit_as_published,
        cast(value_as_printed as {{ dbt.type_string() }}) as value_as_printed,
        cast(region_label as {{ dbt.type_string() }}) as region_label,
        cast(indicator_label as {{ dbt.type_string() }}) as indicator_label,
        cast(note as {{ dbt.type_string() }}) as note,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as integer) as source_line,
        cast(release_digest as bigint) as release_digest,
        cast(vintage_group_id as {{ dbt.type_string() }}) as vintage_group_id
    from observations
)

select * from final
