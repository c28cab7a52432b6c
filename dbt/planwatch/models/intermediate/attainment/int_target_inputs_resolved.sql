{#- One row per target and assessment date this build assesses (int_target_dates_to_assess)
    with what the rules need (METHOD.md, Inputs):
    the baseline (stated by the plan; else observed in the baseline year; else the next year
    observed, flagged baseline_substituted), the latest value after the baseline, and for
    cumulative targets the running sum S(t) of the flow over B+1..t (or a published total
    over exactly those years).
    The years that matter are found in one grouped pass over the yearly series (years_known),
    then their values are looked up by key: at county scale that costs a third of ranking
    the series once per rule with a window. -#}
{{ config(materialized='table') }}
{#- A table, not a view: its CTEs are read several times each, and Spark, which inlines every
    CTE and view, spent 40 s planning the history mart over it as a view (DuckDB: no change). -#}
with targets as (
    select * from {{ ref('int_targets_converted') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

as_of_dates as (
    select * from {{ ref('int_target_dates_to_assess') }}
),

series as (
    select * from {{ ref('int_target_series_as_of') }}
),

annual as (
    select * from series
    where not is_multi_year_total
),

assessments as (
    select
        as_of_dates.target_id,
        as_of_dates.target_key,
        as_of_dates.as_of_date,
        as_of_dates.is_latest,
        targets.target_kind,
        targets.path,
        targets.baseline_year,
        targets.baseline_value as stated_baseline_value,
        targets.target_year,
        targets.target_value,
        targets.target_value_high,
        indicators.measure_kind,
        case indicators.direction when 'lower' then -1 else 1 end as direction_sign
    from as_of_dates
    inner join targets on as_of_dates.target_key = targets.target_key
    inner join indicators on targets.indicator_id = indicators.indicator_id
),

-- each yearly value with the rules' windows it falls in (each window depends only on the target)
annual_windows as (
    select
        annual.target_key,
        annual.as_of_date,
        annual.period_year,
        annual.value,
        annual.is_discontinued,
        -- from the baseline year through the target year: later values do not count for a target
        annual.period_year >= targets.baseline_year
        and annual.period_year <= coalesce(targets.target_year, 9999) as is_in_target_window,
        annual.period_year < coalesce(targets.target_year, 9999) as is_before_target_year,
        -- the yearly flows over B+1..T of a cumulative target
        targets.target_kind = 'cumulative'
        and annual.period_year > targets.baseline_year
        and annual.period_year <= targets.target_year as is_summed_flow
    from annual
    inner join targets on annual.target_key = targets.target_key
),

-- per target and date, the years each rule reads
years_known as (
    select
        target_key,
        as_of_date,
        -- the first year observed from the baseline year on, before the target year
        min(case when is_in_target_window and is_before_target_year then period_year end) as first_observed_year,
        max(case when is_in_target_window then period_year end) as last_observed_year,
        max(case when is_discontinued then period_year end) as discontinued_after_year,
        sum(case when is_summed_flow then value end) as summed_value,
        sum(case when is_summed_flow then 1 end) as n_years,
        max(case when is_summed_flow then period_year end) as flow_last_year
    from annual_windows
    group by target_key, as_of_date
),

baselines as (
    select
        assessments.*,
        case
            when assessments.target_kind = 'cumulative' then assessments.baseline_year
            when assessments.stated_baseline_value is not null then assessments.baseline_year
            else first_observed.period_year
        end as baseline_year_used,
        case
            when assessments.target_kind = 'cumulative' then cast(null as double)
            else coalesce(assessments.stated_baseline_value, first_observed.value)
        end as baseline_value_used,
        coalesce(
            assessments.target_kind != 'cumulative'
            and assessments.stated_baseline_value is null
            and first_observed.period_year > assessments.baseline_year,
            false
        ) as is_baseline_substituted
    from assessments
    left join years_known
        on
            assessments.target_key = years_known.target_key
            and assessments.as_of_date = years_known.as_of_date
    left join annual as first_observed
        on
            years_known.target_key = first_observed.target_key
            and years_known.as_of_date = first_observed.as_of_date
            and years_known.first_observed_year = first_observed.period_year
),

published_totals as (
    select
        series.target_key,
        series.as_of_date,
        series.period_year,
        series.value,
        series.release_id
    from series
    inner join targets on series.target_key = targets.target_key
    where
        targets.target_kind = 'cumulative'
        and series.is_multi_year_total
        and series.period_start_year = targets.baseline_year + 1
        and series.period_year <= targets.target_year
),

furthest_total_years as (
    select
        target_key,
        as_of_date,
        max(period_year) as period_year
    from published_totals
    group by target_key, as_of_date
),

furthest_totals as (
    select published_totals.*
    from published_totals
    inner join furthest_total_years
        on
            published_totals.target_key = furthest_total_years.target_key
            and published_totals.as_of_date = furthest_total_years.as_of_date
            and published_totals.period_year = furthest_total_years.period_year
),

resolved as (
    select
        baselines.*,
        latest.period_year as latest_year,
        latest.period_end_month as latest_period_end_month,
        latest.value as latest_value,
        latest.release_id as latest_release_id,
        latest.known_on as latest_known_on,
        latest.value_basis as latest_value_basis,
        latest.qualifier as latest_qualifier,
        coalesce(latest.is_partial_period, false) as is_partial_period,
        coalesce(latest.is_estimated or latest.is_partial_period or latest.is_provisional, false) as is_provisional,
        coalesce(latest.is_concept_mismatch, false) as is_concept_mismatch,
        coalesce(latest.is_derived, false) as is_derived,
        coalesce(latest.is_check, false) as is_check,
        coalesce(latest.is_undated_release, false) as is_undated_release,
        years_known.discontinued_after_year is not null
        and years_known.discontinued_after_year >= latest.period_year as is_discontinued,
        -- S(t): a published total over exactly B+1..t when it reaches at least as far as
        -- the yearly flows; else the sum of the yearly flows, complete only without gaps.
        case
            when
                furthest_totals.period_year is not null
                and furthest_totals.period_year >= coalesce(years_known.flow_last_year, 0)
                then furthest_totals.value
            else years_known.summed_value
        end as cumulative_value,
        case
            when
                furthest_totals.period_year is not null
                and furthest_totals.period_year >= coalesce(years_known.flow_last_year, 0)
                then furthest_totals.period_year
            else years_known.flow_last_year
        end as cumulative_through_year,
        coalesce(
            not (
                furthest_totals.period_year is not null
                and furthest_totals.period_year >= coalesce(years_known.flow_last_year, 0)
            )
            and years_known.n_years < years_known.flow_last_year - baselines.baseline_year,
            false
        ) as has_cumulative_gaps
    from baselines
    left join years_known
        on
            baselines.target_key = years_known.target_key
            and baselines.as_of_date = years_known.as_of_date
    -- the latest value: the last year observed, when it comes after the baseline used
    left join annual as latest
        on
            years_known.target_key = latest.target_key
            and years_known.as_of_date = latest.as_of_date
            and years_known.last_observed_year = latest.period_year
            and baselines.baseline_year_used < years_known.last_observed_year
    left join furthest_totals
        on
            baselines.target_key = furthest_totals.target_key
            and baselines.as_of_date = furthest_totals.as_of_date
)

select * from resolved
