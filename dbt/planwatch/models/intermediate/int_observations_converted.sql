{#- Every published figure in its indicator's canonical unit, stamped with its release's date.
    published_by is the last day the release can have appeared on, given the precision of
    its date; as-of logic uses it so that a figure never counts before it could be known. -#}
with observations as (
    select * from {{ ref('stg_releases__observations') }}
),

units as (
    select * from {{ ref('stg_reference__units') }}
),

releases as (
    select * from {{ ref('stg_releases__releases') }}
),

converted as (
    select
        {{ dbt.hash(dbt.concat([
            "observations.release_id", "'|'", "observations.indicator_id", "'|'", "observations.region_code",
            "'|'", "cast(observations.period_start_year as " ~ dbt.type_string() ~ ")",
            "'|'", "cast(observations.period_year as " ~ dbt.type_string() ~ ")",
            "'|'", "cast(observations.period_end_month as " ~ dbt.type_string() ~ ")"
        ])) }} as observation_id,
        observations.indicator_id,
        observations.region_code,
        observations.period_year,
        observations.period_start_year,
        observations.period_end_month,
        observations.period_months,
        cast(observations.value_as_published * units.factor_to_canonical as double) as value,
        units.canonical_unit as unit,
        observations.release_id,
        releases.published_on,
        releases.published_on_precision,
        case releases.published_on_precision
            when 'day' then releases.published_on
            when 'month' then cast({{ dbt.last_day('releases.published_on', 'month') }} as date)
            when 'year' then cast({{ dbt.last_day('releases.published_on', 'year') }} as date)
        end as published_by,
        releases.source_tier,
        releases.release_status,
        observations.flags,
        observations.qualifier,
        observations.flags like '%partial_period%' as is_partial_period,
        observations.flags like '%estimated%' as is_estimated,
        observations.flags like '%provisional%' as is_provisional,
        observations.flags like '%derived%' as is_derived,
        observations.flags like '%check%' as is_check,
        observations.flags like '%discontinued%' as is_discontinued,
        observations.flags like '%concept_mismatch%' as is_concept_mismatch,
        observations.flags like '%multi_year_total%' as is_multi_year_total,
        observations.value_as_published,
        observations.unit_as_published,
        observations.value_as_printed,
        observations.region_label,
        observations.indicator_label,
        observations.note,
        observations.source_file,
        observations.source_line,
        observations.release_digest
    from observations
    inner join units on observations.unit_as_published = units.unit
    inner join releases on observations.release_id = releases.release_id
)

select * from converted
