{#- The target and date pairs this build assesses (int_targets_to_assess): every date of a
    target whose definition or values changed, the latest date of every target when it moved.
    A full build: every pair of int_target_as_of_dates. -#}
{{ config(materialized='table') }}
{#- A table, not a view: two models read it. -#}
with as_of_dates as (
    select * from {{ ref('int_target_as_of_dates') }}
),

to_assess as (
    select * from {{ ref('int_targets_to_assess') }}
)

select as_of_dates.*
from as_of_dates
inner join to_assess on as_of_dates.target_key = to_assess.target_key
where to_assess.reassess_all_dates or (as_of_dates.is_latest and to_assess.reassess_latest)
