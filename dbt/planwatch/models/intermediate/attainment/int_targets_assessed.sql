{#- THE RULES OF METHOD.md, one target and assessment date a row. Each target kind's rule is a
    branch of the CASE expressions below, kind by kind:
      achieved_rule        when the target is met (the "achieved when" column)
      attainment_ratio     A at the latest year
      expected_value       E(t), the plan path at the latest year
      progress_*           for the pace ratio R
    then the status, checked in METHOD.md's order: no_data, achieved, not_achieved (final),
    then by pace. Thresholds are dbt vars (dbt_project.yml). -#}
with inputs as (
    select * from {{ ref('int_target_inputs_resolved') }}
),

points as (
    select
        inputs.*,
        case
            when target_kind = 'cumulative' then cumulative_through_year
            else latest_year
        end as assessed_year,
        -- the level the plan aims at in the target year, for the kinds that aim at a level
        case
            when target_kind = 'increment' then baseline_value_used + target_value
            when target_kind = 'annual_growth'
                then baseline_value_used * power(1 + target_value / 100.0, target_year - baseline_year_used)
            else target_value
        end as target_level,
        cast(
            {{ dbt.dateadd('month', var('attainment_publication_lag_months'),
                "cast(" ~ dbt.concat(["cast(target_year as " ~ dbt.type_string() ~ ")", "'-12-31'"]) ~ " as date)") }}
            as date
        ) as final_without_value_on,
        cast({{ dbt.concat(["cast(target_year as " ~ dbt.type_string() ~ ")", "'-12-31'"]) }} as date)
            as target_year_ends_on
    from inputs
),

growth as (
    select
        points.*,
        case
            when target_year > baseline_year_used and assessed_year is not null
                then cast(assessed_year - baseline_year_used as double) / (target_year - baseline_year_used)
        end as period_elapsed_share,
        -- g(B, t) = (y_t / y_B)^(1 / (t - B)) - 1
        case
            when baseline_value_used > 0 and latest_value > 0 and latest_year > baseline_year_used
                then power(latest_value / baseline_value_used, 1.0 / (latest_year - baseline_year_used)) - 1
        end as observed_annual_growth
    from points
),

measured as (
    select
        growth.*,
        case
            when target_kind = 'cumulative' then target_value * period_elapsed_share
            when path = 'geometric'
                then baseline_value_used * power(target_level / nullif(baseline_value_used, 0), period_elapsed_share)
            else baseline_value_used + (target_level - baseline_value_used) * period_elapsed_share
        end as expected_value,
        -- the "achieved when" rule of each kind
        case
            when target_kind = 'level_at_most' then latest_value <= target_value
            when target_kind = 'increment' then latest_value - baseline_value_used >= target_value
            when target_kind = 'cumulative' then cumulative_value >= target_value
            when target_kind = 'annual_growth' then observed_annual_growth >= target_value / 100.0
            when target_kind = 'range' then latest_value >= target_value
            -- level_at_least, share, per_capita, score: d * (y_t - Y*) >= 0
            else direction_sign * (latest_value - target_value) >= 0
        end as achieved_rule,
        -- attainment ratio A
        case
            when target_kind = 'level_at_most'
                then
                    case
                        when baseline_value_used > target_value
                            then (baseline_value_used - latest_value) / (baseline_value_used - target_value)
                    end
            when target_kind = 'increment' then (latest_value - baseline_value_used) / nullif(target_value, 0)
            when target_kind = 'cumulative' then cumulative_value / nullif(target_value, 0)
            when target_kind = 'annual_growth' then observed_annual_growth / nullif(target_value / 100.0, 0)
            when target_kind = 'range' then latest_value / nullif(target_value, 0)
            else (latest_value - baseline_value_used) / nullif(target_value - baseline_value_used, 0)
        end as attainment_ratio
    from growth
),

paced as (
    select
        measured.*,
        case
            when target_kind = 'cumulative' then cumulative_value
            when target_kind = 'level_at_most' then baseline_value_used - latest_value
            else latest_value - baseline_value_used
        end as progress_made,
        case
            when target_kind = 'cumulative' then expected_value
            when target_kind = 'level_at_most' then baseline_value_used - expected_value
            else expected_value - baseline_value_used
        end as progress_expected,
        -- enough data: a baseline and one later point (for cumulative: one flow year, no gaps)
        case
            when target_kind = 'cumulative' then cumulative_value is null or has_cumulative_gaps
            else baseline_value_used is null or latest_value is null
        end as has_no_data,
        -- final once the target year is over and its value is known, the series stopped, or
        -- the publication lag has passed
        coalesce(
            as_of_date > target_year_ends_on
            and (
                (assessed_year >= target_year and latest_period_end_month = 12)
                or is_discontinued
                or as_of_date >= final_without_value_on
            ),
            false
        ) as is_final
    from measured
),

projected as (
    select
        paced.*,
        progress_made / nullif(progress_expected, 0) as pace_ratio,
        -- projection to T at the observed pace
        case
            when target_year is null or assessed_year is null or assessed_year >= target_year then cast(null as double)
            when target_kind = 'cumulative'
                then cumulative_value
                    + (target_year - assessed_year) * cumulative_value / nullif(assessed_year - baseline_year_used, 0)
            else latest_value * power(1 + observed_annual_growth, target_year - latest_year)
        end as projected_value,
        -- growth still needed each year to reach the target level in the target year
        case
            when
                target_kind != 'cumulative' and target_year > latest_year and latest_value > 0 and target_level > 0
                then power(target_level / latest_value, 1.0 / (target_year - latest_year)) - 1
        end as required_annual_growth,
        case
            when target_kind = 'cumulative' and target_year > assessed_year
                then (target_value - cumulative_value) / (target_year - assessed_year)
        end as required_annual_amount
    from paced
),

assessed as (
    select
        projected.*,
        case
            when has_no_data then 'no_data'
            when achieved_rule then 'achieved'
            when target_year is null then 'no_data'
            when is_final then 'not_achieved'
            -- the path asks for no progress (target met at baseline, since lost)
            when progress_expected <= 0 then case when progress_made < 0 then 'regressing' else 'on_track' end
            -- a part-year value that does not yet meet the target is at most on track
            when pace_ratio >= {{ var('attainment_pace_ahead') }}
                then case when is_partial_period then 'on_track' else 'ahead' end
            when pace_ratio >= {{ var('attainment_pace_on_track') }} then 'on_track'
            when pace_ratio >= {{ var('attainment_pace_needs_acceleration') }} then 'needs_acceleration'
            when pace_ratio >= {{ var('attainment_pace_lagging') }} then 'lagging'
            else 'regressing'
        end as status,
        coalesce(
            not is_discontinued
            and latest_year < least(extract(year from as_of_date) - 1, target_year),
            false
        ) as is_stale,
        coalesce(achieved_rule and assessed_year < target_year, false) as is_achieved_early
    from projected
)

select * from assessed
