with source as (
    select * from {{ source('raw', 'indicators') }}
),

renamed as (
    select
        -- key
        indicator_id,
        -- names
        name_zh,
        name_en,
        description_en,
        -- measurement
        unit,
        direction,
        measure_kind,
        domain,
        -- per-capita construction
        numerator_indicator_id,
        denominator_indicator_id,
        cast(per_capita_scale as double) as per_capita_scale
    from source
)

select * from renamed
