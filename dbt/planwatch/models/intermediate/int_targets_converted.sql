{#- Targets in their indicator's canonical unit, with the baseline year resolved.
    A plan that states no baseline year is read as based on the year before its period
    starts (a Five-Year Plan for 2021-2025 is based on 2020). -#}
{{ config(materialized='table') }}
{#- A table, not a view: six models read it. And at national scale (675k targets) DuckDB 2.0.0
    failed, one run in two, with an internal error ("dict-surviving cache: global dictionary
    column 8 changed identity") when a selective join read this view's joined columns
    (mart_extraction_review); reading a stored table, it did not in 26 runs. -#}
with targets as (
    select * from {{ ref('stg_plans__targets') }}
),

plans as (
    select * from {{ ref('stg_reference__plans') }}
),

units as (
    select * from {{ ref('stg_reference__units') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

converted as (
    select
        targets.target_id,
        -- a dense integer key for the attainment models' joins, which hash it far faster than
        -- the text target_id; it is renumbered at every build, so marts expose only target_id
        cast(row_number() over (order by targets.target_id) as integer) as target_key,
        targets.plan_id,
        targets.indicator_id,
        targets.region_code,
        targets.target_kind,
        targets.attribute,
        coalesce(targets.path, case when targets.target_kind = 'annual_growth' then 'geometric' else 'linear' end)
            as path,
        coalesce(targets.baseline_year, plans.period_start_year - 1) as baseline_year,
        targets.baseline_year is not null as is_baseline_year_stated,
        cast(targets.baseline_value_as_written * units.factor_to_canonical as double) as baseline_value,
        targets.target_year,
        cast(targets.target_value_as_written * units.factor_to_canonical as double) as target_value,
        cast(targets.target_value_high_as_written * units.factor_to_canonical as double) as target_value_high,
        -- a growth target is a rate in %, whatever the unit of the series it applies to
        case when targets.target_kind = 'annual_growth' then units.canonical_unit else indicators.unit end as unit,
        targets.target_value_as_written,
        targets.unit_as_written,
        targets.wording_zh,
        cast(targets.population_base_as_written * population_units.factor_to_canonical as double)
            as population_base,
        targets.source_ref,
        targets.reported_outcome_zh,
        targets.reported_achieved,
        targets.notes,
        targets.source_file,
        targets.source_line
    from targets
    inner join plans on targets.plan_id = plans.plan_id
    inner join units on targets.unit_as_written = units.unit
    inner join indicators on targets.indicator_id = indicators.indicator_id
    left join units as population_units on targets.population_base_unit = population_units.unit
)

select * from converted
