{#- Every value that can speak for a target in a year, with how it was obtained:
    - published: a figure of the target's own indicator and region;
    - plan_population_base: for a per-capita target in its target year, the numerator
      divided by the population the plan states (METHOD.md: "that base is used for the
      target year");
    - computed_per_capita: the numerator divided by a published population series.
    basis_rank orders them when several exist for the same year: the plan's own base first
    (target year only), then the publisher's ratio, then our computation. We prefer a
    published ratio to computing one ourselves because publishers compute it on their official
    population basis (e.g. Shenzhen's 2019 ratio is 106.3 on one basis and 93.4 on another).
    Only the years a target speaks of are gathered (macros/speaks_for_target.sql): the rules
    never look outside them, and it keeps the cost of every later model in step with the data,
    not with targets x years (a county series runs 25 years; a five-year target reads six). -#}
{{ config(materialized='table') }}
{#- A table, not a view: several later models read it, and a view would be computed again
    for each (at county scale that was most of the attainment models' time).
    The CTEs below that need figures each read int_observations_dated themselves (as
    `observations`), not one shared CTE: on DuckDB a CTE that more than one other reads is
    materialized whole, and that one would be every dated figure, where each reader keeps only
    the rows it joins. At county scale (38M figures) the table took 23.7-28.4 s this way against
    35.3 s (same process, alternating); on the 3.8M figures of scale 0.1, 1.4 s against 1.1 s. -#}
with targets as (
    select * from {{ ref('int_targets_converted') }}
),

indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

published as (
    select
        targets.target_id,
        targets.target_key,
        observations.period_start_year,
        observations.period_year,
        observations.period_end_month,
        observations.value,
        observations.known_on,
        observations.release_id,
        observations.source_tier,
        observations.qualifier,
        observations.is_partial_period,
        observations.is_estimated,
        observations.is_provisional,
        observations.is_discontinued,
        observations.is_concept_mismatch,
        observations.is_derived,
        observations.is_check,
        observations.is_undated_release,
        'published' as value_basis,
        1 as basis_rank
    from targets
    inner join {{ ref('int_observations_dated') }} as observations
        on
            targets.indicator_id = observations.indicator_id
            and targets.region_code = observations.region_code
    where {{ speaks_for_target('targets', 'observations') }}
),

per_capita_targets as (
    select
        targets.target_id,
        targets.target_key,
        targets.region_code,
        targets.target_year,
        targets.population_base,
        indicators.numerator_indicator_id,
        indicators.denominator_indicator_id,
        indicators.per_capita_scale,
        targets.baseline_year
    from targets
    inner join indicators on targets.indicator_id = indicators.indicator_id
    where
        indicators.measure_kind = 'per_capita'
        and indicators.numerator_indicator_id is not null
),

numerators as (
    select
        per_capita_targets.target_id,
        per_capita_targets.target_key,
        per_capita_targets.target_year,
        per_capita_targets.population_base,
        per_capita_targets.denominator_indicator_id,
        per_capita_targets.per_capita_scale,
        observations.*
    from per_capita_targets
    inner join {{ ref('int_observations_dated') }} as observations
        on
            per_capita_targets.numerator_indicator_id = observations.indicator_id
            and per_capita_targets.region_code = observations.region_code
    where
        observations.period_start_year = observations.period_year
        and {{ speaks_for_target('per_capita_targets', 'observations') }}
),

denominators as (
    select distinct
        denominator_indicator_id,
        region_code
    from per_capita_targets
),

-- only the population series a per-capita target divides by: without this semi-join every
-- year-end figure of every indicator was hashed for a join that keeps a few
populations as (
    select observations.*
    from {{ ref('int_observations_dated') }} as observations
    inner join denominators
        on
            observations.indicator_id = denominators.denominator_indicator_id
            and observations.region_code = denominators.region_code
    where observations.period_start_year = observations.period_year and observations.period_end_month = 12
),

computed as (
    select
        numerators.target_id,
        numerators.target_key,
        numerators.period_start_year,
        numerators.period_year,
        numerators.period_end_month,
        cast(numerators.value / nullif(populations.value, 0) * numerators.per_capita_scale as double) as value,
        case
            when numerators.known_on >= populations.known_on then numerators.known_on
            else populations.known_on
        end as known_on,
        numerators.release_id,
        numerators.source_tier,
        numerators.qualifier,
        numerators.is_partial_period,
        numerators.is_estimated,
        numerators.is_provisional or populations.is_provisional as is_provisional,
        numerators.is_discontinued,
        numerators.is_concept_mismatch or populations.is_concept_mismatch as is_concept_mismatch,
        numerators.is_derived or populations.is_derived as is_derived,
        numerators.is_check or populations.is_check as is_check,
        numerators.is_undated_release or populations.is_undated_release as is_undated_release,
        'computed_per_capita' as value_basis,
        2 as basis_rank
    from numerators
    inner join populations
        on
            numerators.denominator_indicator_id = populations.indicator_id
            and numerators.region_code = populations.region_code
            and numerators.period_year = populations.period_year
),

plan_population_base as (
    select
        target_id,
        target_key,
        period_start_year,
        period_year,
        period_end_month,
        cast(value / population_base * per_capita_scale as double) as value,
        known_on,
        release_id,
        source_tier,
        qualifier,
        is_partial_period,
        is_estimated,
        is_provisional,
        is_discontinued,
        is_concept_mismatch,
        is_derived,
        is_check,
        is_undated_release,
        'plan_population_base' as value_basis,
        0 as basis_rank
    from numerators
    where population_base is not null and period_year = target_year
),

gathered as (
    select * from published
    union all
    select * from computed
    union all
    select * from plan_population_base
)

select * from gathered
