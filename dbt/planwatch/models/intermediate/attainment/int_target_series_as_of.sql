{#- For each target and assessment date this build assesses (int_target_dates_to_assess):
    one value per year, chosen among the values known on that date. A full-year value beats a
    part-year one; then the basis (see int_target_values_gathered); then the vintage precedence
    of var vintage_precedence (macros/vintage_order.sql: by default final over provisional,
    official over press, then the most recent release, so that a revision replaces what it
    revises). Multi-year totals are kept apart (is_multi_year_total) for cumulative targets.
    The order of preference does not depend on the date, so each candidate is ranked once
    (preference), and a date keeps the best-ranked candidate it knows: a narrow min() by group
    instead of a window that sorts every wide row once per date (at county scale a target has
    about twelve dates, and this model took 46 s that way). -#}
{{ config(materialized=('table' if target.type == 'spark' else 'view')) }}
{#- One model reads it, int_target_inputs_resolved, in one CTE (series) that DuckDB materializes
    once for its four readers: as a view, the rows (targets x dates x years) are not written to
    the file and read back. At scale 0.1 of the national benchmark (2.8M rows) the two models
    took 5.6-6.2 s as two tables, 3.8-4.6 s this way, with the same rows (alternating on one
    build file). Spark inlines every view and CTE and would compute it once per reader, so there
    it stays a table. -#}
with as_of_dates as (
    select * from {{ ref('int_target_dates_to_assess') }}
),

-- only the targets this build assesses (all in a full build; int_targets_to_assess)
assessed_targets as (
    select distinct target_key from as_of_dates
),

candidates as (
    select values_gathered.*
    from {{ ref('int_target_values_gathered') }} as values_gathered
    inner join assessed_targets on values_gathered.target_key = assessed_targets.target_key
),

ranked as (
    select
        candidates.*,
        candidates.period_start_year < candidates.period_year as is_multi_year_total,
        row_number() over (
            partition by candidates.target_key, candidates.period_start_year, candidates.period_year
            order by
                case when candidates.period_end_month = 12 then 0 else 1 end,
                candidates.basis_rank,
                {{ vintage_order('candidates.') }}
        ) as preference
    from candidates
),

chosen as (
    select
        as_of_dates.target_key,
        as_of_dates.as_of_date,
        as_of_dates.is_latest,
        ranked.period_start_year,
        ranked.period_year,
        min(ranked.preference) as preference
    from as_of_dates
    inner join ranked
        on
            as_of_dates.target_key = ranked.target_key
            and as_of_dates.as_of_date >= ranked.known_on
    group by
        as_of_dates.target_key,
        as_of_dates.as_of_date,
        as_of_dates.is_latest,
        ranked.period_start_year,
        ranked.period_year
)

select
    chosen.as_of_date,
    chosen.is_latest,
    ranked.*
from chosen
inner join ranked
    on
        chosen.target_key = ranked.target_key
        and chosen.period_start_year = ranked.period_start_year
        and chosen.period_year = ranked.period_year
        and chosen.preference = ranked.preference
