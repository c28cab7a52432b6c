{#- One row per plan document under sources/documents/: read, or why not. -#}
with source as (
    select * from {{ source('raw', 'documents') }}
),

renamed as (
    select
        -- keys
        plan_id,
        source_file,
        -- the file
        format,
        encoding,
        sha256,
        cast(characters as integer) as characters,
        -- read, or why not
        status,
        error_cause,
        what_to_do,
        -- what the extractor found
        cast(n_targets as integer) as n_targets,
        cast(n_past_plan_targets as integer) as n_past_plan_targets,
        cast(n_reported_figures as integer) as n_reported_figures
    from source
)

select * from renamed
