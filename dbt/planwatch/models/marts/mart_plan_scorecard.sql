{#- Per plan: how many targets are in each status, their shares, and the same by attribute
    (预期性 expected / 约束性 binding), as known at the latest release. -#}
with attainment as (
    select * from {{ ref('mart_target_attainment') }}
),

plans as (
    select * from {{ ref('dim_plan') }}
),

counted as (
    select
        plan_id,
        count(*) as n_targets,
        {% for s in ['achieved', 'not_achieved', 'ahead', 'on_track', 'needs_acceleration', 'lagging', 'regressing', 'no_data'] %}
            sum(case when status = '{{ s }}' then 1 else 0 end) as n_{{ s }},
        {% endfor %}
        sum(case when status != 'no_data' then 1 else 0 end) as n_assessed,
        sum(case when attribute = '预期性' then 1 else 0 end) as n_expected,
        sum(case when attribute = '约束性' then 1 else 0 end) as n_binding,
        sum(case when attribute is null then 1 else 0 end) as n_attribute_unstated,
        sum(case when attribute = '预期性' and status = 'achieved' then 1 else 0 end) as n_expected_achieved,
        sum(case when attribute = '约束性' and status = 'achieved' then 1 else 0 end) as n_binding_achieved,
        sum(case when provisional then 1 else 0 end) as n_provisional
    from attainment
    group by plan_id
),

final as (
    select
        cast(plans.plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(plans.title_zh as {{ dbt.type_string() }}) as title_zh,
        cast(plans.region_code as {{ dbt.type_string() }}) as region_code,
        cast(plans.period_end_year as integer) as period_end_year,
        cast(coalesce(counted.n_targets, 0) as integer) as n_targets,
        cast(coalesce(counted.n_assessed, 0) as integer) as n_assessed,
        {% for s in ['achieved', 'not_achieved', 'ahead', 'on_track', 'needs_acceleration', 'lagging', 'regressing', 'no_data'] %}
            cast(coalesce(counted.n_{{ s }}, 0) as integer) as n_{{ s }},
            cast(counted.n_{{ s }} as double) / nullif(counted.n_targets, 0) as share_{{ s }},
        {% endfor %}
        cast(coalesce(counted.n_expected, 0) as integer) as n_expected,
        cast(coalesce(counted.n_binding, 0) as integer) as n_binding,
        cast(coalesce(counted.n_attribute_unstated, 0) as integer) as n_attribute_unstated,
        cast(coalesce(counted.n_expected_achieved, 0) as integer) as n_expected_achieved,
        cast(coalesce(counted.n_binding_achieved, 0) as integer) as n_binding_achieved,
        cast(counted.n_expected_achieved as double) / nullif(counted.n_expected, 0) as share_expected_achieved,
        cast(counted.n_binding_achieved as double) / nullif(counted.n_binding, 0) as share_binding_achieved,
        cast(coalesce(counted.n_provisional, 0) as integer) as n_provisional
    from plans
    left join counted on plans.plan_id = counted.plan_id
)

select * from final
