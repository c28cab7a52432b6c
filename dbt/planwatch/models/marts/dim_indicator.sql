{#- The indicator catalogue: every indicator the plans name, with or without a target. -#}
with indicators as (
    select * from {{ ref('stg_reference__indicators') }}
),

monitored as (
    select distinct indicator_id from {{ ref('stg_plans__monitored_indicators') }}
),

targeted as (
    select distinct indicator_id from {{ ref('stg_plans__targets') }}
),

final as (
    select
        cast(indicators.indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(indicators.name_zh as {{ dbt.type_string() }}) as name_zh,
        cast(indicators.name_en as {{ dbt.type_string() }}) as name_en,
        cast(indicators.unit as {{ dbt.type_string() }}) as unit,
        cast(indicators.direction as {{ dbt.type_string() }}) as direction,
        cast(case indicators.direction when 'lower' then -1 else 1 end as integer) as direction_sign,
        cast(indicators.measure_kind as {{ dbt.type_string() }}) as measure_kind,
        cast(indicators.domain as {{ dbt.type_string() }}) as domain,
        cast(indicators.numerator_indicator_id as {{ dbt.type_string() }}) as numerator_indicator_id,
        cast(indicators.denominator_indicator_id as {{ dbt.type_string() }}) as denominator_indicator_id,
        cast(indicators.per_capita_scale as double) as per_capita_scale,
        monitored.indicator_id is not null as is_monitored,
        targeted.indicator_id is not null as has_target,
        cast(indicators.description_en as {{ dbt.type_string() }}) as description_en
    from indicators
    left join monitored on indicators.indicator_id = monitored.indicator_id
    left join targeted on indicators.indicator_id = targeted.indicator_id
)

select * from final
