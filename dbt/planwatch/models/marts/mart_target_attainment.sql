{#- Where every target stands, as known at the latest release: one row per target
    (METHOD.md). The same columns as mart_attainment_history at its latest date. -#}
with history as (
    select * from {{ ref('mart_attainment_history') }}
)

select * from history
where is_latest
