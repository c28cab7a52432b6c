{#- Regions: the nation, provinces, cities, districts and functional areas the plans name. -#}
with regions as (
    select * from {{ ref('stg_reference__regions') }}
),

final as (
    select
        cast(regions.region_code as {{ dbt.type_string() }}) as region_code,
        cast(regions.name_zh as {{ dbt.type_string() }}) as name_zh,
        cast(regions.name_en as {{ dbt.type_string() }}) as name_en,
        cast(regions.level as {{ dbt.type_string() }}) as level,
        cast(regions.parent_code as {{ dbt.type_string() }}) as parent_code,
        cast(parents.name_zh as {{ dbt.type_string() }}) as parent_name_zh,
        cast(case regions.level
            when 'nation' then 0 when 'province' then 1 when 'prefecture' then 2
            when 'county' then 3 when 'functional_area' then 4
        end as integer) as level_rank,
        cast(regions.code_scheme as {{ dbt.type_string() }}) as code_scheme,
        cast(regions.aliases as {{ dbt.type_string() }}) as aliases,
        cast(regions.named_in as {{ dbt.type_string() }}) as named_in
    from regions
    left join regions as parents on regions.parent_code = parents.region_code
)

select * from final
