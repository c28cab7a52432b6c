{#- Extracted targets in their canonical unit (万件 → 件 × 10000), as curated targets are in
    int_targets_converted, so that the two can be compared. A unit the catalogue does not know
    keeps its value as written and cannot match a curated target. -#}
with extracted as (
    select * from {{ ref('stg_documents__extracted_targets') }}
),

units as (
    select * from {{ ref('stg_reference__units') }}
),

converted as (
    select
        extracted.*,
        cast(coalesce(
            extracted.target_value_as_written * units.factor_to_canonical,
            extracted.target_value_as_written
        ) as double) as target_value,
        coalesce(units.canonical_unit, extracted.unit_as_written) as unit
    from extracted
    left join units on extracted.unit_as_written = units.unit
)

select * from converted
