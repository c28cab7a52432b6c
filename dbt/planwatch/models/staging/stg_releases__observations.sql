with source as (
    select * from {{ source('raw', 'observations') }}
),

renamed as (
    select
        -- keys
        release_id,
        indicator_id,
        region_code,
        -- period
        cast(period_year as integer) as period_year,
        cast(period_start_year as integer) as period_start_year,
        cast(period_end_month as integer) as period_end_month,
        cast(period_months as integer) as period_months,
        -- value as published
        cast(value as double) as value_as_published,
        unit as unit_as_published,
        qualifier,
        flags,
        -- provenance
        region_label,
        indicator_label,
        value_as_printed,
        note,
        source_file,
        cast(source_line as integer) as source_line,
        -- what the release gave when last taken (incremental fct_observation)
        cast(release_digest as bigint) as release_digest
    from source
)

select * from renamed
