"""commerce: shop orders, customers and products; local metric series and agent state

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Types frozen as they were at this revision.
JSON_DOC = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
TEXT_ARRAY = sa.JSON(none_as_null=True).with_variant(postgresql.ARRAY(sa.Text()), "postgresql")
DECIMAL = sa.Text().with_variant(sa.Numeric(20, 6), "postgresql")


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metric_points',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('metric', sa.Text(), nullable=False),
    sa.Column('bucket_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('samples', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Boolean(), nullable=False),
    sa.Column('anomaly_score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_metric_points_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_points')),
    sa.UniqueConstraint('workspace_id', 'metric', 'bucket_start', name=op.f('uq_metric_points_workspace_id_metric_bucket_start'))
    )
    op.create_table('shop_customers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('shop_customer_id', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('first_name', sa.Text(), nullable=True),
    sa.Column('last_name', sa.Text(), nullable=True),
    sa.Column('tags_array', TEXT_ARRAY, nullable=True),
    sa.Column('email_marketing_state', sa.Text(), nullable=True),
    sa.Column('email_deliverability', sa.Text(), nullable=True),
    sa.Column('timezone', sa.Text(), nullable=True),
    sa.Column('orders_count', sa.Integer(), nullable=False),
    sa.Column('total_spent', DECIMAL, nullable=False),
    sa.Column('currency', sa.Text(), nullable=True),
    sa.Column('last_order_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw_json', JSON_DOC, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_shop_customers_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_customers')),
    sa.UniqueConstraint('workspace_id', 'shop_customer_id', name=op.f('uq_shop_customers_workspace_id_shop_customer_id'))
    )
    op.create_table('shop_products',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('shop_product_id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('vendor', sa.Text(), nullable=True),
    sa.Column('product_type', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('variants_json', JSON_DOC, nullable=True),
    sa.Column('raw_json', JSON_DOC, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_shop_products_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_products')),
    sa.UniqueConstraint('workspace_id', 'shop_product_id', name=op.f('uq_shop_products_workspace_id_shop_product_id'))
    )
    op.create_table('agent_states',
    sa.Column('agent_configuration_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('value_json', JSON_DOC, nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_configuration_id'], ['agent_configurations.id'], name=op.f('fk_agent_states_agent_configuration_id_agent_configurations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agent_configuration_id', 'key', name=op.f('pk_agent_states'))
    )
    op.create_table('shop_orders',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace_id', sa.Uuid(), nullable=False),
    sa.Column('brand_id', sa.Uuid(), nullable=True),
    sa.Column('shop_order_id', sa.Text(), nullable=False),
    sa.Column('order_name', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('customer_shop_id', sa.Text(), nullable=True),
    sa.Column('currency', sa.Text(), nullable=False),
    sa.Column('total_price', DECIMAL, nullable=False),
    sa.Column('subtotal_price', DECIMAL, nullable=False),
    sa.Column('total_discounts', DECIMAL, nullable=False),
    sa.Column('total_tax', DECIMAL, nullable=False),
    sa.Column('total_shipping', DECIMAL, nullable=False),
    sa.Column('total_refunded', DECIMAL, nullable=False),
    sa.Column('financial_status', sa.Text(), nullable=True),
    sa.Column('fulfillment_status', sa.Text(), nullable=True),
    sa.Column('payment_gateway', sa.Text(), nullable=True),
    sa.Column('cart_token', sa.Text(), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('line_items_json', JSON_DOC, nullable=False),
    sa.Column('raw_json', JSON_DOC, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_shop_orders_brand_id_brands'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_shop_orders_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_orders')),
    sa.UniqueConstraint('workspace_id', 'shop_order_id', name=op.f('uq_shop_orders_workspace_id_shop_order_id'))
    )
    with op.batch_alter_table('shop_orders', schema=None) as batch_op:
        batch_op.create_index('idx_shop_orders_workspace_placed', ['workspace_id', 'placed_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('shop_orders', schema=None) as batch_op:
        batch_op.drop_index('idx_shop_orders_workspace_placed')

    op.drop_table('shop_orders')
    op.drop_table('agent_states')
    op.drop_table('shop_products')
    op.drop_table('shop_customers')
    op.drop_table('metric_points')
