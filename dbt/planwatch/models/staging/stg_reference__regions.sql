with source as (
    select * from {{ source('raw', 'regions') }}
),

renamed as (
    select
        -- keys
        region_code,
        parent_code,
        -- names
        name_zh,
        name_en,
        aliases,
        -- classification
        level,
        code_scheme,
        named_in
    from source
)

select * from renamed
