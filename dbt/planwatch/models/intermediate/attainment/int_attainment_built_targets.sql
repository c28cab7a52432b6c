{#- State for the next build (int_targets_to_assess): the targets, the assessment date and the
    method fingerprint the attainment marts were built with. Built after mart_attainment_history
    (depends_on below), so it is replaced only once the mart holds what it describes. -#}
-- depends_on: {{ ref('mart_attainment_history') }}
{{ config(materialized='table') }}
with targets as (
    select * from {{ ref('int_targets_converted') }}
),

-- the assessment date, as int_target_as_of_dates computed it (once: a scan of every figure)
assessment_date as (
    select max(as_of_date) as latest_as_of_date
    from {{ ref('int_target_as_of_dates') }}
    where is_latest
)

select
    targets.*,
    assessment_date.latest_as_of_date,
    '{{ attainment_method_fingerprint() }}' as method_fingerprint
from targets
cross join assessment_date
