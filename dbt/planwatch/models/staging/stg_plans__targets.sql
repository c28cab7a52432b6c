with source as (
    select * from {{ source('raw', 'targets') }}
),

renamed as (
    select
        -- keys
        target_id,
        plan_id,
        indicator_id,
        region_code,
        -- rule
        target_kind,
        wording_zh,
        attribute,
        path,
        -- values as written in the plan
        cast(baseline_year as integer) as baseline_year,
        cast(baseline_value as double) as baseline_value_as_written,
        cast(target_year as integer) as target_year,
        cast(target_value as double) as target_value_as_written,
        cast(target_value_high as double) as target_value_high_as_written,
        unit as unit_as_written,
        cast(population_base as double) as population_base_as_written,
        population_base_unit,
        -- provenance
        source_ref,
        reported_outcome_zh,
        reported_achieved,
        notes,
        source_file,
        cast(source_line as integer) as source_line
    from source
)

select * from renamed
