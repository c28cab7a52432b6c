{#- Indicators a plan names without a quantified target (监测指标). -#}
with monitored as (
    select * from {{ ref('stg_plans__monitored_indicators') }}
),

final as (
    select
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(source_ref as {{ dbt.type_string() }}) as source_ref
    from monitored
)

select * from final
