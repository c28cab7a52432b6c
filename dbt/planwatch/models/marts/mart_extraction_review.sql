{#- The review of extraction (抽取核对): per plan with a readable document, every extracted
    target against the curated plan table. A pair matches when kind, target year, value and unit
    (canonical) are all equal; pairs are one to one, those naming the same indicator made first.
    review_status: matched (一致), extracted_only (文档中有、规划表中无), curated_only (规划表中有、
    文档中未找到). The curated table stays what the attainment marts assess. -#}
with extracted as (
    select * from {{ ref('int_extracted_targets_converted') }}
),

curated_all as (
    select * from {{ ref('int_targets_converted') }}
),

documents as (
    select * from {{ ref('stg_documents__documents') }}
    where status = 'read'
),

plans as (
    select * from {{ ref('stg_reference__plans') }}
),

-- a document reviews its own plan, and a past plan its review table reports on
reviewed_plans as (
    select
        plan_id,
        plan_id as document_plan_id
    from documents
    union all
    select
        plans.plan_id,
        documents.plan_id as document_plan_id
    from plans
    inner join documents on plans.reported_in_plan_id = documents.plan_id
),

curated as (
    select
        curated_all.*,
        reviewed_plans.document_plan_id,
        coalesce(curated_all.target_year, 0) as year_key,
        round(curated_all.target_value, 6) as value_key
    from curated_all
    inner join reviewed_plans on curated_all.plan_id = reviewed_plans.plan_id
),

extracted_keyed as (
    select
        extracted.*,
        coalesce(extracted.target_year, 0) as year_key,
        round(extracted.target_value, 6) as value_key
    from extracted
),

-- step 1: pairs that also name the same indicator
curated_by_indicator as (
    select
        curated.*,
        row_number() over (
            partition by
                curated.plan_id,
                curated.target_kind,
                curated.year_key,
                curated.value_key,
                curated.unit,
                curated.indicator_id
            order by curated.target_id
        ) as pair_rank
    from curated
),

extracted_by_indicator as (
    select
        extracted_keyed.*,
        row_number() over (
            partition by
                extracted_keyed.plan_id,
                extracted_keyed.target_kind,
                extracted_keyed.year_key,
                extracted_keyed.value_key,
                extracted_keyed.unit,
                extracted_keyed.indicator_id
            order by extracted_keyed.extracted_target_id
        ) as pair_rank
    from extracted_keyed
    where extracted_keyed.indicator_id is not null
),

same_indicator_pairs as (
    select
        curated_by_indicator.target_id,
        extracted_by_indicator.extracted_target_id
    from curated_by_indicator
    inner join extracted_by_indicator
        on
            curated_by_indicator.plan_id = extracted_by_indicator.plan_id
            and curated_by_indicator.target_kind = extracted_by_indicator.target_kind
            and curated_by_indicator.year_key = extracted_by_indicator.year_key
            and curated_by_indicator.value_key = extracted_by_indicator.value_key
            and curated_by_indicator.unit = extracted_by_indicator.unit
            and curated_by_indicator.indicator_id = extracted_by_indicator.indicator_id
            and curated_by_indicator.pair_rank = extracted_by_indicator.pair_rank
),

-- step 2: the rest, paired on kind, year, value and unit alone
curated_left as (
    select
        curated.*,
        row_number() over (
            partition by
                curated.plan_id,
                curated.target_kind,
                curated.year_key,
                curated.value_key,
                curated.unit
            order by curated.target_id
        ) as pair_rank
    from curated
    where curated.target_id not in (select same_indicator_pairs.target_id from same_indicator_pairs)
),

extracted_left as (
    select
        extracted_keyed.*,
        row_number() over (
            partition by
                extracted_keyed.plan_id,
                extracted_keyed.target_kind,
                extracted_keyed.year_key,
                extracted_keyed.value_key,
                extracted_keyed.unit
            order by extracted_keyed.extracted_target_id
        ) as pair_rank
    from extracted_keyed
    where extracted_keyed.extracted_target_id not in (select same_indicator_pairs.extracted_target_id from same_indicator_pairs)
),

other_pairs as (
    select
        curated_left.target_id,
        extracted_left.extracted_target_id
    from curated_left
    inner join extracted_left
        on
            curated_left.plan_id = extracted_left.plan_id
            and curated_left.target_kind = extracted_left.target_kind
            and curated_left.year_key = extracted_left.year_key
            and curated_left.value_key = extracted_left.value_key
            and curated_left.unit = extracted_left.unit
            and curated_left.pair_rank = extracted_left.pair_rank
),

pairs as (
    select * from same_indicator_pairs
    union all
    select * from other_pairs
),

reviewed as (
    select
        curated.target_id,
        pairs.extracted_target_id
    from curated
    left join pairs on curated.target_id = pairs.target_id
    union all
    select
        cast(null as {{ dbt.type_string() }}) as target_id,
        extracted_keyed.extracted_target_id
    from extracted_keyed
    where extracted_keyed.extracted_target_id not in (select pairs.extracted_target_id from pairs)
),

final as (
    select
        cast(coalesce(curated.plan_id, extracted.plan_id) as {{ dbt.type_string() }}) as plan_id,
        cast(case
            when curated.target_id is not null and extracted.extracted_target_id is not null then 'matched'
            when extracted.extracted_target_id is not null then 'extracted_only'
            else 'curated_only'
        end as {{ dbt.type_string() }}) as review_status,
        cast(case
            when curated.target_id is not null and extracted.extracted_target_id is not null then '一致'
            when extracted.extracted_target_id is not null then '文档中有、规划表中无'
            else '规划表中有、文档中未找到'
        end as {{ dbt.type_string() }}) as review_status_zh,
        cast(curated.target_id as {{ dbt.type_string() }}) as target_id,
        cast(extracted.extracted_target_id as {{ dbt.type_string() }}) as extracted_target_id,
        cast(coalesce(curated.document_plan_id, extracted.document_plan_id) as {{ dbt.type_string() }})
            as document_plan_id,
        cast(extracted.source_file as {{ dbt.type_string() }}) as source_file,
        -- the two readings side by side
        cast(curated.indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(extracted.indicator_id as {{ dbt.type_string() }}) as extracted_indicator_id,
        coalesce(curated.indicator_id = extracted.indicator_id, false) as is_same_indicator,
        cast(extracted.indicator_as_written as {{ dbt.type_string() }}) as indicator_as_written,
        cast(curated.target_kind as {{ dbt.type_string() }}) as target_kind,
        cast(extracted.target_kind as {{ dbt.type_string() }}) as extracted_target_kind,
        cast(curated.target_year as integer) as target_year,
        cast(extracted.target_year as integer) as extracted_target_year,
        cast(curated.target_value as double) as target_value,
        cast(extracted.target_value as double) as extracted_target_value,
        cast(curated.unit as {{ dbt.type_string() }}) as unit,
        cast(extracted.unit as {{ dbt.type_string() }}) as extracted_unit,
        cast(curated.region_code as {{ dbt.type_string() }}) as region_code,
        cast(extracted.region_code as {{ dbt.type_string() }}) as extracted_region_code,
        cast(curated.attribute as {{ dbt.type_string() }}) as attribute,
        cast(extracted.attribute as {{ dbt.type_string() }}) as extracted_attribute,
        cast(extracted.qualifier as {{ dbt.type_string() }}) as qualifier,
        cast(extracted.value_as_written as {{ dbt.type_string() }}) as value_as_written,
        -- where each reading comes from
        cast(curated.source_ref as {{ dbt.type_string() }}) as source_ref,
        cast(extracted.source_ref as {{ dbt.type_string() }}) as extracted_source_ref,
        cast(extracted.clause as {{ dbt.type_string() }}) as clause,
        cast(extracted.span_start as integer) as span_start,
        cast(extracted.span_end as integer) as span_end,
        cast(extracted.section_path as {{ dbt.type_string() }}) as section_path,
        cast(extracted.indicator_match as {{ dbt.type_string() }}) as indicator_match,
        cast(extracted.indicator_suggestions as {{ dbt.type_string() }}) as indicator_suggestions,
        cast(extracted.target_year_basis as {{ dbt.type_string() }}) as target_year_basis,
        cast(extracted.confidence as double) as confidence,
        cast(extracted.confidence_reasons as {{ dbt.type_string() }}) as confidence_reasons
    from reviewed
    left join curated on reviewed.target_id = curated.target_id
    left join extracted_keyed as extracted on reviewed.extracted_target_id = extracted.extracted_target_id
)

select * from final
