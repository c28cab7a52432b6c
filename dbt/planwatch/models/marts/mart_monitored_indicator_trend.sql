{#- Indicators a plan names without a number get a trend status (METHOD.md): the average
    annual growth g over the last trend_window_years years, signed by direction:
    >= trend_improving_rate improving, >= trend_moderate_rate moderate, >= trend_flat_rate
    flat, below worsening. Uses full-year single-year values, latest release per year. -#}
with monitored as (
    select * from {{ ref('fct_plan_monitored_indicator') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
),

monitored_series as (
    select distinct
        indicator_id,
        region_code
    from monitored
),

-- only the monitored series: the ranking below then costs what they hold, not every figure
observations as (
    select dated.*
    from {{ ref('int_observations_dated') }} as dated
    inner join monitored_series
        on
            dated.indicator_id = monitored_series.indicator_id
            and dated.region_code = monitored_series.region_code
    where dated.period_start_year = dated.period_year and dated.period_end_month = 12
),

yearly as (
    select
        observations.*,
        row_number() over (
            partition by observations.indicator_id, observations.region_code, observations.period_year
            order by {{ vintage_order('observations.') }}
        ) as vintage_rank
    from observations
),

series as (
    select * from yearly
    where vintage_rank = 1
),

latest as (
    select
        series.*,
        row_number() over (
            partition by series.indicator_id, series.region_code order by series.period_year desc
        ) as recency_rank
    from series
),

ends as (
    select
        monitored.plan_id,
        monitored.indicator_id,
        monitored.region_code,
        latest.period_year as latest_year,
        latest.value as latest_value,
        latest.release_id as latest_release_id,
        latest.is_check as latest_is_doubtful
    from monitored
    left join latest
        on
            monitored.indicator_id = latest.indicator_id
            and monitored.region_code = latest.region_code
            and latest.recency_rank = 1
),

starts as (
    select
        ends.plan_id,
        ends.indicator_id,
        ends.region_code,
        series.period_year as start_year,
        series.value as start_value,
        row_number() over (
            partition by ends.plan_id, ends.indicator_id, ends.region_code order by series.period_year
        ) as start_rank
    from ends
    inner join series
        on
            ends.indicator_id = series.indicator_id
            and ends.region_code = series.region_code
            and series.period_year >= ends.latest_year - {{ var('trend_window_years') }}
            and ends.latest_year > series.period_year
),

trend as (
    select
        ends.*,
        starts.start_year,
        starts.start_value,
        indicators.direction_sign,
        case
            when starts.start_value > 0 and ends.latest_value > 0
                then power(ends.latest_value / starts.start_value, 1.0 / (ends.latest_year - starts.start_year)) - 1
        end as annual_growth
    from ends
    left join starts
        on
            ends.plan_id = starts.plan_id
            and ends.indicator_id = starts.indicator_id
            and ends.region_code = starts.region_code
            and starts.start_rank = 1
    inner join indicators on ends.indicator_id = indicators.indicator_id
),

final as (
    select
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(start_year as integer) as start_year,
        cast(start_value as double) as start_value,
        cast(latest_year as integer) as latest_year,
        cast(latest_value as double) as latest_value,
        cast(latest_release_id as {{ dbt.type_string() }}) as latest_release_id,
        cast(annual_growth as double) as annual_growth,
        cast(case
            when annual_growth is null then 'no_data'
            when direction_sign * annual_growth >= {{ var('trend_improving_rate') }} then 'improving'
            when direction_sign * annual_growth >= {{ var('trend_moderate_rate') }} then 'moderate'
            when direction_sign * annual_growth >= {{ var('trend_flat_rate') }} then 'flat'
            else 'worsening'
        end as {{ dbt.type_string() }}) as trend_status,
        cast(case
            when annual_growth is null then '无数据'
            when direction_sign * annual_growth >= {{ var('trend_improving_rate') }} then '向好'
            when direction_sign * annual_growth >= {{ var('trend_moderate_rate') }} then '平稳向好'
            when direction_sign * annual_growth >= {{ var('trend_flat_rate') }} then '基本持平'
            else '变差'
        end as {{ dbt.type_string() }}) as trend_status_zh,
        coalesce(latest_is_doubtful, false) as doubtful
    from trend
)

select * from final
