{#- Targets the extractor found in the plan documents (pipelines/extract), values as written. -#}
with source as (
    select * from {{ source('raw', 'extracted_targets') }}
),

renamed as (
    select
        -- keys
        target_id as extracted_target_id,
        plan_id,
        document_plan_id,
        role,
        indicator_id,
        region_code,
        -- rule
        target_kind,
        wording_zh,
        qualifier,
        bound,
        attribute,
        -- values as written in the document
        cast(baseline_year as integer) as baseline_year,
        cast(baseline_value as double) as baseline_value_as_written,
        cast(target_year as integer) as target_year,
        cast(target_value as double) as target_value_as_written,
        cast(target_value_high as double) as target_value_high_as_written,
        unit as unit_as_written,
        value_as_written,
        cast(population_base as double) as population_base_as_written,
        population_base_unit,
        reported_outcome_zh,
        reported_achieved,
        -- where it was read and how sure the reading is
        document as source_file,
        clause,
        cast(span_start as integer) as span_start,
        cast(span_end as integer) as span_end,
        section_path,
        cast(table_row as integer) as table_row,
        source_ref,
        indicator_as_written,
        indicator_match,
        indicator_suggestions,
        target_year_basis,
        region_basis,
        cast(confidence as double) as confidence,
        confidence_reasons,
        notes
    from source
)

select * from renamed
