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
            when inputs.target_kind = 'cumulative' then inputs.cumulative_through_year
            else inputs.latest_year
        end as assessed_year,
        -- the level the plan aims at in the target year, for the kinds that aim at a level
        case
            when inputs.target_kind = 'increment' then inputs.baseline_value_used + inputs.target_value
            when inputs.target_kind = 'annual_growth'
                then inputs.baseline_value_used * power(1 + inputs.target_value / 100.0, inputs.target_year - inputs.baseline_year_used)
            else inputs.target_value
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
            when points.target_year > points.baseline_year_used and points.assessed_year is not null
                then cast(points.assessed_year - points.baseline_year_used as double) / (points.target_year - points.baseline_year_used)
        end as period_elapsed_share,
        -- g(B, t) = (y_t / y_B)^(1 / (t - B)) - 1
        case
            when points.baseline_value_used > 0 and points.latest_value > 0 and points.latest_year > points.baseline_year_used
                then power(points.latest_value / points.baseline_value_used, 1.0 / (points.latest_year - points.baseline_year_used)) - 1
        end as observed_annual_growth
    from points
),

measured as (
    select
        growth.*,
        case
            when growth.target_kind = 'cumulative' then growth.target_value * growth.period_elapsed_share
            when growth.path = 'geometric'
                then growth.baseline_value_used * power(growth.target_level / nullif(growth.baseline_value_used, 0), growth.period_elapsed_share)
            else growth.baseline_value_used + (growth.target_level - growth.baseline_value_used) * growth.period_elapsed_share
        end as expected_value,
        -- the "achieved when" rule of each kind, as a margin: met when the margin is >= 0
        case
            when growth.target_kind = 'level_at_most' then growth.target_value - growth.latest_value
            when growth.target_kind = 'increment' then growth.latest_value - growth.baseline_value_used - growth.target_value
            when growth.target_kind = 'cumulative' then growth.cumulative_value - growth.target_value
            when growth.target_kind = 'annual_growth' then growth.observed_annual_growth - growth.target_value / 100.0
            when growth.target_kind = 'range' then growth.latest_value - growth.target_value
            -- level_at_least, share, per_capita, score: d * (y_t - Y*) >= 0
            else growth.direction_sign * (growth.latest_value - growth.target_value)
        end as achieved_margin,
        -- a bound on the side that cannot show the target met: 不足 X (the value is below X) for
        -- a higher-is-better target, 超过 X for a lower-is-better one
        case
            when growth.target_kind = 'level_at_most' or growth.direction_sign < 0 then growth.latest_qualifier = 'lower_bound'
            else growth.latest_qualifier = 'upper_bound'
        end as is_bound_inconclusive,
        -- attainment ratio A
        case
            when growth.target_kind = 'level_at_most'
                then
                    case
                        when growth.baseline_value_used > growth.target_value
                            then (growth.baseline_value_used - growth.latest_value) / (growth.baseline_value_used - growth.target_value)
                    end
            when growth.target_kind = 'increment' then (growth.latest_value - growth.baseline_value_used) / nullif(growth.target_value, 0)
            when growth.target_kind = 'cumulative' then growth.cumulative_value / nullif(growth.target_value, 0)
            when growth.target_kind = 'annual_growth' then growth.observed_annual_growth / nullif(growth.target_value / 100.0, 0)
            when growth.target_kind = 'range' then growth.latest_value / nullif(growth.target_value, 0)
            else (growth.latest_value - growth.baseline_value_used) / nullif(growth.target_value - growth.baseline_value_used, 0)
        end as attainment_ratio
    from growth
),

judged as (
    select
        measured.*,
        -- a qualified figure proves less than an exact one (README, "Approximate figures"): an
        -- approximate value (近/约/左右) meets the target only by clearing it, a bound on the
        -- wrong side never does; an exact value or a bound on the right side as usual
        case
            when measured.is_bound_inconclusive then false
            when measured.latest_qualifier = 'approximate' then measured.achieved_margin > 0
            else measured.achieved_margin >= 0
        end as achieved_rule
    from measured
),

paced as (
    select
        judged.*,
        case
            when judged.target_kind = 'cumulative' then judged.cumulative_value
            when judged.target_kind = 'level_at_most' then judged.baseline_value_used - judged.latest_value
            else judged.latest_value - judged.baseline_value_used
        end as progress_made,
        case
            when judged.target_kind = 'cumulative' then judged.expected_value
            when judged.target_kind = 'level_at_most' then judged.baseline_value_used - judged.expected_value
            else judged.expected_value - judged.baseline_value_used
        end as progress_expected,
        -- enough data: a baseline and one later point (for cumulative: one flow year, no gaps)
        case
            when judged.target_kind = 'cumulative' then judged.cumulative_value is null or judged.has_cumulative_gaps
            else judged.baseline_value_used is null or judged.latest_value is null
        end as has_no_data,
        -- final once the target year is over and its value is known, the series stopped, or
        -- the publication lag has passed
        coalesce(
            judged.as_of_date > judged.target_year_ends_on
            and (
                (judged.assessed_year >= judged.target_year and judged.latest_period_end_month = 12)
                or judged.is_discontinued
                or judged.as_of_date >= judged.final_without_value_on
            ),
            false
        ) as is_final
    from judged
),

projected as (
    select
        paced.*,
        paced.progress_made / nullif(paced.progress_expected, 0) as pace_ratio,
        -- projection to T at the observed pace
        case
            when paced.target_year is null or paced.assessed_year is null or paced.assessed_year >= paced.target_year then cast(null as double)
            when paced.target_kind = 'cumulative'
                then
                    paced.cumulative_value
                    + (paced.target_year - paced.assessed_year) * paced.cumulative_value / nullif(paced.assessed_year - paced.baseline_year_used, 0)
            else paced.latest_value * power(1 + paced.observed_annual_growth, paced.target_year - paced.latest_year)
        end as projected_value,
        -- growth still needed each year to reach the target level in the target year
        case
            when
                paced.target_kind != 'cumulative' and paced.target_year > paced.latest_year and paced.latest_value > 0 and paced.target_level > 0
                then power(paced.target_level / paced.latest_value, 1.0 / (paced.target_year - paced.latest_year)) - 1
        end as required_annual_growth,
        case
            when paced.target_kind = 'cumulative' and paced.target_year > paced.assessed_year
                then (paced.target_value - paced.cumulative_value) / (paced.target_year - paced.assessed_year)
        end as required_annual_amount
    from paced
),

assessed as (
    select
        projected.*,
        case
            when projected.has_no_data then 'no_data'
            when projected.achieved_rule then 'achieved'
            when projected.target_year is null then 'no_data'
            when projected.is_final then 'not_achieved'
            -- the path asks for no progress (target met at baseline, since lost)
            when projected.progress_expected <= 0 then case when projected.progress_made < 0 then 'regressing' else 'on_track' end
            -- a part-year value that does not yet meet the target is at most on track
            when projected.pace_ratio >= {{ var('attainment_pace_ahead') }}
                then case when projected.is_partial_period then 'on_track' else 'ahead' end
            when projected.pace_ratio >= {{ var('attainment_pace_on_track') }} then 'on_track'
            when projected.pace_ratio >= {{ var('attainment_pace_needs_acceleration') }} then 'needs_acceleration'
            when projected.pace_ratio >= {{ var('attainment_pace_lagging') }} then 'lagging'
            else 'regressing'
        end as status,
        coalesce(
            not projected.is_discontinued
            and projected.latest_year < least(extract(year from projected.as_of_date) - 1, projected.target_year),
            false
        ) as is_stale,
        coalesce(projected.achieved_rule and projected.assessed_year < projected.target_year, false) as is_achieved_early
    from projected
)

select * from assessed
