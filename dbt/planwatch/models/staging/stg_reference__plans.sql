with source as (
    select * from {{ source('raw', 'plans') }}
),

renamed as (
    select
        -- keys
        plan_id,
        region_code,
        reported_in_plan_id,
        -- document
        seed_document,
        title_zh,
        title_en,
        issuer_zh,
        doc_number,
        published_on,
        published_on_precision,
        status,
        notes,
        -- period
        cast(period_start_year as integer) as period_start_year,
        cast(period_end_year as integer) as period_end_year
    from source
)

select * from renamed
