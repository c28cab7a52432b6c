{#- One row per target and assessment date with what the rules need (METHOD.md, Inputs):
    the baseline (stated by the plan; else observed in the baseline year; else the next year
    observed, flagged baseline_substituted), the latest value after the baseline, and for
    cumulative targets the running sum S(t) of the flow over B+1..t (or a published total
    over exactly those years). -#}
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
    select * from {{ ref('int_target_as_of_dates') }}
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
    inner join targets on as_of_dates.target_id = targets.target_id
    inner join indicators on targets.indicator_id = indicators.indicator_id
),

first_observed as (
    select
        annual.target_id,
        annual.as_of_date,
        annual.period_year,
        annual.value,
        row_number() over (
            partition by annual.target_id, annual.as_of_date order by annual.period_year
        ) as year_rank
    from annual
    inner join assessments
        on
            annual.target_id = assessments.target_id
            and annual.as_of_date = assessments.as_of_date
    where
        annual.period_year >= assessments.baseline_year
        and annual.period_year < coalesce(assessments.target_year, 9999)
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
    left join first_observed
        on
            assessments.target_id = first_observed.target_id
            and assessments.as_of_date = first_observed.as_of_date
            and first_observed.year_rank = 1
),

latest_ranked as (
    select
        annual.*,
        row_number() over (
            partition by annual.target_id, annual.as_of_date order by annual.period_year desc
        ) as recency_rank
    from annual
    inner join baselines
        on
            annual.target_id = baselines.target_id
            and annual.as_of_date = baselines.as_of_date
    -- a target speaks of its target year: later values do not count for it
    where
        annual.period_year > baselines.baseline_year_used
        and annual.period_year <= coalesce(baselines.target_year, 9999)
),

discontinued as (
    select
        target_id,
        as_of_date,
        max(period_year) as discontinued_after_year
    from annual
    where is_discontinued
    group by target_id, as_of_date
),

flow_sums as (
    select
        annual.target_id,
        annual.as_of_date,
        sum(annual.value) as summed_value,
        count(*) as n_years,
        max(annual.period_year) as last_year
    from annual
    inner join baselines
        on
            annual.target_id = baselines.target_id
            and annual.as_of_date = baselines.as_of_date
    where
        baselines.target_kind = 'cumulative'
        and annual.period_year > baselines.baseline_year
        and annual.period_year <= baselines.target_year
    group by annual.target_id, annual.as_of_date
),

published_totals as (
    select
        series.target_id,
        series.as_of_date,
        series.period_year,
        series.value,
        series.release_id,
        row_number() over (
            partition by series.target_id, series.as_of_date order by series.period_year desc
        ) as total_rank
    from series
    inner join baselines
        on
            series.target_id = baselines.target_id
            and series.as_of_date = baselines.as_of_date
    where
        baselines.target_kind = 'cumulative'
        and series.is_multi_year_total
        and series.period_start_year = baselines.baseline_year + 1
        and series.period_year <= baselines.target_year
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
        discontinued.discontinued_after_year is not null
        and discontinued.discontinued_after_year >= latest.period_year as is_discontinued,
        -- S(t): a published total over exactly B+1..t when it reaches at least as far as
        -- the yearly flows; else the sum of the yearly flows, complete only without gaps.
        case
            when
                published_totals.period_year is not null
                and published_totals.period_year >= coalesce(flow_sums.last_year, 0)
                then published_totals.value
            else flow_sums.summed_value
        end as cumulative_value,
        case
            when
                published_totals.period_year is not null
                and published_totals.period_year >= coalesce(flow_sums.last_year, 0)
                then published_totals.period_year
            else flow_sums.last_year
        end as cumulative_through_year,
        coalesce(
            not (
                published_totals.period_year is not null
                and published_totals.period_year >= coalesce(flow_sums.last_year, 0)
            )
            and flow_sums.n_years < flow_sums.last_year - baselines.baseline_year,
            false
        ) as has_cumulative_gaps
    from baselines
    left join latest_ranked as latest
        on
            baselines.target_id = latest.target_id
            and baselines.as_of_date = latest.as_of_date
            and latest.recency_rank = 1
    left join discontinued
        on
            baselines.target_id = discontinued.target_id
            and baselines.as_of_date = discontinued.as_of_date
    left join flow_sums
        on
            baselines.target_id = flow_sums.target_id
            and baselines.as_of_date = flow_sums.as_of_date
    left join published_totals
        on
            baselines.target_id = published_totals.target_id
            and baselines.as_of_date = published_totals.as_of_date
            and published_totals.total_rank = 1
)

select * from resolved
