{#- Labels publishers print for catalogue indicators, and what each label says of the period. -#}
with aliases as (
    select * from {{ ref('stg_reference__indicator_aliases') }}
),

final as (
    select
        cast(alias as {{ dbt.type_string() }}) as alias,
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(period_span_years as integer) as period_span_years,
        cast(period_months as integer) as period_months,
        is_concept_mismatch,
        cast(note as {{ dbt.type_string() }}) as note
    from aliases
)

select * from final
