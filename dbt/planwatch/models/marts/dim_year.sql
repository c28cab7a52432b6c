{#- Calendar years spanning every plan period, target and observation, with the Five-Year
    Plan each belongs to (the 1st ran 1953-1957). -#}
with digits as (
    {% for d in range(10) %}select {{ d }} as d{% if not loop.last %}
        union all
    {% endif %}{% endfor %}
),

bounds as (
    select
        min(y) as first_year,
        max(y) as last_year
    from (
        select period_start_year as y from {{ ref('stg_reference__plans') }}
        union all
        select coalesce(period_end_year, period_start_year) from {{ ref('stg_reference__plans') }}
        union all
        select baseline_year from {{ ref('int_targets_converted') }}
        union all
        select target_year from {{ ref('int_targets_converted') }}
        union all
        select period_start_year from {{ ref('stg_releases__observations') }}
        union all
        select period_year from {{ ref('stg_releases__observations') }}
    ) as all_years
    where y is not null
),

years as (
    select bounds.first_year + hundreds.d * 100 + tens.d * 10 + ones.d as year
    from bounds
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as ones
    where bounds.first_year + hundreds.d * 100 + tens.d * 10 + ones.d <= bounds.last_year
),

numbered as (
    select
        year,
        cast(floor((year - 1953) / 5.0) as integer) + 1 as five_year_plan_number
    from years
),

final as (
    select
        cast(year as integer) as year,
        cast(five_year_plan_number as integer) as five_year_plan_number,
        cast(case five_year_plan_number
            when 10 then '十五' when 11 then '十一五' when 12 then '十二五' when 13 then '十三五'
            when 14 then '十四五' when 15 then '十五五' when 16 then '十六五'
        end as {{ dbt.type_string() }}) as five_year_plan_zh,
        cast(year - (1953 + (five_year_plan_number - 1) * 5) + 1 as integer) as year_of_five_year_plan,
        cast(1953 + (five_year_plan_number - 1) * 5 as integer) as five_year_plan_start_year,
        cast(1953 + (five_year_plan_number - 1) * 5 + 4 as integer) as five_year_plan_end_year
    from numbered
)

select * from final
