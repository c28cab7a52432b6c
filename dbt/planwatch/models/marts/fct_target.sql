{#- One row per quantified plan target, values in the indicator's canonical unit. -#}
with targets as (
    select * from {{ ref('int_targets_converted') }}
),

final as (
    select
        cast(target_id as {{ dbt.type_string() }}) as target_id,
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(target_kind as {{ dbt.type_string() }}) as target_kind,
        cast(baseline_year as integer) as baseline_year,
        cast(baseline_value as double) as baseline_value,
        cast(target_year as integer) as target_year,
        cast(target_value as double) as target_value,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(attribute as {{ dbt.type_string() }}) as attribute,
        cast(source_ref as {{ dbt.type_string() }}) as source_ref,
        cast(target_value_high as double) as target_value_high,
        is_baseline_year_stated,
        cast(path as {{ dbt.type_string() }}) as path,
        cast(population_base as double) as population_base,
        cast(target_value_as_written as double) as target_value_as_written,
        cast(unit_as_written as {{ dbt.type_string() }}) as unit_as_written,
        cast(wording_zh as {{ dbt.type_string() }}) as wording_zh,
        cast(reported_outcome_zh as {{ dbt.type_string() }}) as reported_outcome_zh,
        reported_achieved,
        cast(notes as {{ dbt.type_string() }}) as notes,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as integer) as source_line
    from targets
)

select * from final
