// The Product aggregate: the consistency boundary for stock. Every order for
// a SKU is decided on that product's stream, so two orders racing for the
// last unit are serialised by optimistic concurrency and stock can never go
// below zero (the flash-sale row everyone fights over).
import { defineAggregate, reject, type Decision, type DomainCommand } from '../../engine/index.ts';
import type { ProductEvent } from './events.ts';

type OrderLine = { customerId: string; quantity: number; unitPriceCents: number; status: 'placed' | 'cancelled' };
type Reservation = { quantity: number; unitPriceCents: number; status: 'reserved' | 'released' };

/** Category given to products listed before categories existed (schema version 1 of ProductAdded). */
export const DEFAULT_CATEGORY = 'uncategorised';

export type ProductState = {
  exists: boolean;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
  /** Orders decided on this product, by orderId (to refuse duplicates and check cancellations). */
  orders: Record<string, OrderLine>;
  /** Checkout reservations by orderId (the checkout saga reserves, then confirms or releases). */
  reservations?: Record<string, Reservation>;
};

export type ProductCommand =
  | DomainCommand<'AddProduct', { sku: string; name: string; priceCents: number; stock: number; category?: string }>
  | DomainCommand<'RestockProduct', { sku: string; quantity: number }>
  | DomainCommand<'ChangePrice', { sku: string; priceCents: number }>
  | DomainCommand<'PlaceOrder', { orderId: string; customerId: string; sku: string; quantity: number }>
  | DomainCommand<'CancelOrder', { orderId: string; sku: string }>
  | DomainCommand<'ReserveStock', { orderId: string; sku: string; quantity: number }>
  | DomainCommand<'ReleaseStock', { orderId: string; sku: string }>;

/** Every reason a product refuses a command. */
export type ProductRejection =
  | 'ProductAlreadyExists'
  | 'UnknownProduct'
  | 'PriceUnchanged'
  | 'DuplicateOrder'
  | 'OutOfStock'
  | 'UnknownOrder'
  | 'AlreadyCancelled'
  | 'DuplicateReservation'
  | 'NoReservation'
  | 'AlreadyReleased';

const initialState = (): ProductState => ({ exists: false, sku: '', name: '', priceCents: 0, stock: 0, orders: {} });

function decide(command: ProductCommand, state: ProductState): Decision<ProductEvent, ProductRejection> {
  if (command.type === 'AddProduct') {
    if (state.exists)
      return reject('ProductAlreadyExists', `Product ${command.data.sku} already exists; use RestockProduct or ChangePrice.`);
    const { sku, name, priceCents, stock } = command.data;
    return [{ type: 'ProductAdded', data: { sku, name, priceCents, stock, category: command.data.category ?? DEFAULT_CATEGORY } }];
  }
  if (!state.exists) return reject('UnknownProduct', `There is no product ${command.data.sku}. Add it first with AddProduct.`);
  switch (command.type) {
    case 'RestockProduct':
      return [{ type: 'ProductRestocked', data: { sku: state.sku, quantity: command.data.quantity } }];
    case 'ChangePrice':
      if (command.data.priceCents === state.priceCents) {
        return reject('PriceUnchanged', `${state.name} already costs ${command.data.priceCents} cents.`);
      }
      return [{ type: 'PriceChanged', data: { sku: state.sku, fromCents: state.priceCents, toCents: command.data.priceCents } }];
    case 'PlaceOrder': {
      const { orderId, customerId, quantity } = command.data;
      if (state.orders[orderId]) return reject('DuplicateOrder', `Order ${orderId} was already placed for ${state.name}.`);
      if (quantity > state.stock) {
        return reject('OutOfStock', `Only ${state.stock} of ${state.name} left; the order asked for ${quantity}.`);
      }
      // Price and name are copied into the event: the order keeps what the
      // customer saw even if the catalogue changes later.
      return [
        {
          type: 'OrderPlaced',
          data: {
            orderId,
            customerId,
            sku: state.sku,
            productName: state.name,
            quantity,
            unitPriceCents: state.priceCents,
            totalCents: quantity * state.priceCents,
          },
        },
      ];
    }
    case 'CancelOrder': {
      const order = state.orders[command.data.orderId];
      if (!order) return reject('UnknownOrder', `No order ${command.data.orderId} was placed for ${state.name}.`);
      if (order.status === 'cancelled') return reject('AlreadyCancelled', `Order ${command.data.orderId} is already cancelled.`);
      return [
        {
          type: 'OrderCancelled',
          data: {
            orderId: command.data.orderId,
            customerId: order.customerId,
            sku: state.sku,
            quantity: order.quantity,
            refundCents: order.quantity * order.unitPriceCents,
          },
        },
      ];
    }
    case 'ReserveStock': {
      const { orderId, quantity } = command.data;
      if (state.reservations?.[orderId])
        return reject('DuplicateReservation', `Stock of ${state.name} was already reserved for order ${orderId}.`);
      if (quantity > state.stock) {
        return reject('OutOfStock', `Only ${state.stock} of ${state.name} left; the checkout asked for ${quantity}.`);
      }
      return [
        {
          type: 'StockReserved',
          data: { orderId, sku: state.sku, quantity, unitPriceCents: state.priceCents, totalCents: quantity * state.priceCents },
        },
      ];
    }
    case 'ReleaseStock': {
      const r = state.reservations?.[command.data.orderId];
      if (!r) return reject('NoReservation', `Nothing of ${state.name} is reserved for order ${command.data.orderId}.`);
      if (r.status === 'released')
        return reject('AlreadyReleased', `The reservation of order ${command.data.orderId} was already released.`);
      return [{ type: 'StockReleased', data: { orderId: command.data.orderId, sku: state.sku, quantity: r.quantity } }];
    }
  }
}

function evolve(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductAdded':
      return {
        exists: true,
        sku: event.data.sku,
        name: event.data.name,
        priceCents: event.data.priceCents,
        stock: event.data.stock,
        orders: {},
      };
    case 'ProductRestocked':
      return { ...state, stock: state.stock + event.data.quantity };
    case 'PriceChanged':
      return { ...state, priceCents: event.data.toCents };
    case 'OrderPlaced':
      return {
        ...state,
        stock: state.stock - event.data.quantity,
        orders: {
          ...state.orders,
          [event.data.orderId]: {
            customerId: event.data.customerId,
            quantity: event.data.quantity,
            unitPriceCents: event.data.unitPriceCents,
            status: 'placed',
          },
        },
      };
    case 'OrderCancelled': {
      const order = state.orders[event.data.orderId];
      if (!order) return state;
      return {
        ...state,
        stock: state.stock + event.data.quantity,
        orders: { ...state.orders, [event.data.orderId]: { ...order, status: 'cancelled' } },
      };
    }
    case 'StockReserved':
      return {
        ...state,
        stock: state.stock - event.data.quantity,
        reservations: {
          ...state.reservations,
          [event.data.orderId]: { quantity: event.data.quantity, unitPriceCents: event.data.unitPriceCents, status: 'reserved' },
        },
      };
    case 'StockReleased': {
      const r = state.reservations?.[event.data.orderId];
      if (!r) return state;
      return {
        ...state,
        stock: state.stock + event.data.quantity,
        reservations: { ...state.reservations, [event.data.orderId]: { ...r, status: 'released' } },
      };
    }
  }
}

export const productStream = (sku: string): string => `product-${sku}`;

export const Product = defineAggregate<ProductState, ProductCommand, ProductEvent, ProductRejection>({
  name: 'Product',
  streamPrefix: 'product-',
  description: 'A SKU with its price and stock. Orders are decided here so stock can never be oversold.',
  decider: { initialState, decide, evolve },
});
