with source as (
    select * from {{ source('raw', 'releases') }}
),

renamed as (
    select
        -- key
        release_id,
        -- who and what
        publisher,
        citation,
        url,
        release_kind,
        cast(source_tier as integer) as source_tier,
        -- when
        published_on,
        published_on_precision,
        published_on_basis
    from source
)

select * from renamed
