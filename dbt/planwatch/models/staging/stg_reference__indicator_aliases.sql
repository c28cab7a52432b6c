with source as (
    select * from {{ source('raw', 'indicator_aliases') }}
),

renamed as (
    select
        alias,
        indicator_id,
        cast(period_span_years as integer) as period_span_years,
        cast(period_months as integer) as period_months,
        concept_mismatch as is_concept_mismatch,
        note
    from source
)

select * from renamed
