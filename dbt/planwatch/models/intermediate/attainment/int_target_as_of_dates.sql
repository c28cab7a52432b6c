{#- The dates at which each target is assessed: the date its plan was published (where known:
    the state when the target was set), every date a value that speaks for it became known,
    and the assessment date (the latest release) for every target, with or without data.
    Only these dates can change a target's status through data; between them a status can
    change only through the passing of time (finality, staleness), which the next date shows. -#}
{{ config(materialized='table') }}
{#- A table, not a view: two models read it, and Spark would plan and compute it again in each. -#}
with targets as (
    select
        target_id,
        target_key,
        plan_id
    from {{ ref('int_targets_converted') }}
),

plans as (
    select
        plan_id,
        published_on
    from {{ ref('stg_reference__plans') }}
),

assessment_date as (
    select max(latest_as_of_date) as latest_as_of_date from {{ ref('int_observations_dated') }}
),

value_dates as (
    select distinct
        target_key,
        known_on as as_of_date
    from {{ ref('int_target_values_gathered') }}
),

latest as (
    select
        targets.target_key,
        assessment_date.latest_as_of_date as as_of_date
    from targets
    cross join assessment_date
),

plan_dates as (
    select
        targets.target_key,
        plans.published_on as as_of_date
    from targets
    inner join plans on targets.plan_id = plans.plan_id
    cross join assessment_date
    where plans.published_on <= assessment_date.latest_as_of_date
),

dates as (
    select
        target_key,
        as_of_date
    from plan_dates
    union
    select
        target_key,
        as_of_date
    from value_dates
    union
    select
        target_key,
        as_of_date
    from latest
)

select
    targets.target_id,
    dates.target_key,
    dates.as_of_date,
    dates.as_of_date = assessment_date.latest_as_of_date as is_latest
from dates
inner join targets on dates.target_key = targets.target_key
cross join assessment_date
