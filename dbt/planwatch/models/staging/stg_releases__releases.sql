{#- The release catalogue: releases/releases.csv and the manifests of release packages. -#}
with catalogued as (
    select * from {{ source('raw', 'releases') }}
),

packaged as (
    select * from {{ source('raw', 'package_releases') }}
),

unioned as (
    select
        release_id,
        citation,
        publisher,
        url,
        release_kind,
        source_tier,
        published_on,
        published_on_precision,
        published_on_basis,
        status,
        cast(null as integer) as period_start_year,
        cast(null as integer) as period_end_year
    from catalogued
    union all
    select
        release_id,
        citation,
        publisher,
        url,
        release_kind,
        source_tier,
        published_on,
        published_on_precision,
        published_on_basis,
        status,
        period_start_year,
        period_end_year
    from packaged
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
        coalesce(status, 'final') as release_status,
        -- when
        published_on,
        published_on_precision,
        published_on_basis,
        -- what it covers (packages declare it)
        cast(period_start_year as integer) as period_start_year,
        cast(period_end_year as integer) as period_end_year
    from unioned
)

select * from renamed
