{#- For each target and assessment date: one value per year, chosen among the values known on
    that date. A full-year value beats a part-year one; then the basis (see
    int_target_values_gathered); then the vintage precedence of var vintage_precedence
    (macros/vintage_order.sql: by default final over provisional, official over press, then
    the most recent release, so that a revision replaces what it revises). Multi-year totals are kept apart
    (is_multi_year_total) for cumulative targets. -#}
{{ config(materialized='table') }}
{#- A table, not a view: several later models read it, and a view would be computed again
    for each (at county scale that was most of the attainment models' time). -#}
with as_of_dates as (
    select * from {{ ref('int_target_as_of_dates') }}
),

candidates as (
    select * from {{ ref('int_target_values_gathered') }}
),

known as (
    select
        as_of_dates.as_of_date,
        as_of_dates.is_latest,
        candidates.*,
        candidates.period_start_year < candidates.period_year as is_multi_year_total
    from as_of_dates
    inner join candidates
        on
            as_of_dates.target_id = candidates.target_id
            and as_of_dates.as_of_date >= candidates.known_on
),

ranked as (
    select
        known.*,
        row_number() over (
            partition by known.target_id, known.as_of_date, known.period_start_year, known.period_year
            order by
                case when known.period_end_month = 12 then 0 else 1 end,
                known.basis_rank,
                {{ vintage_order('known.') }}
        ) as value_rank
    from known
)

select * from ranked
where value_rank = 1
