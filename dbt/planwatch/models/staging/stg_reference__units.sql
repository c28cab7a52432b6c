with source as (
    select * from {{ source('raw', 'units') }}
),

renamed as (
    select
        unit,
        canonical_unit,
        cast(factor as double) as factor_to_canonical,
        description_en
    from source
)

select * from renamed
