with source as (
    select * from {{ source('raw', 'monitored_indicators') }}
),

renamed as (
    select
        plan_id,
        indicator_id,
        region_code,
        source_ref
    from source
)

select * from renamed
