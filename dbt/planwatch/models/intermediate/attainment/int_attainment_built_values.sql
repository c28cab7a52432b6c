{#- State for the next build (int_targets_to_assess): every candidate value the attainment marts
    were built from (int_target_values_gathered). Built after mart_attainment_history
    (depends_on below), so it is replaced only once the mart holds what it describes. -#}
-- depends_on: {{ ref('mart_attainment_history') }}
{{ config(materialized='table') }}
select * from {{ ref('int_target_values_gathered') }}
