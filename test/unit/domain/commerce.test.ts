import { describe, expect, it } from 'vitest';
import { given } from '../../../src/engine/testing/givenWhenThen.ts';
import { Product, type ProductCommand } from '../../../src/domain/commerce/product.ts';
import type { OrderCancelled, OrderPlaced, PriceChanged, ProductAdded } from '../../../src/domain/commerce/events.ts';

const addProduct = { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 5000, stock: 2 } } as const;
const added: ProductAdded = { type: 'ProductAdded', data: { ...addProduct.data, category: 'uncategorised' } };
const placed = (orderId: string, quantity: number, customerId = 'ada'): OrderPlaced => ({
  type: 'OrderPlaced',
  data: { orderId, customerId, sku: 'KB', productName: 'Keyboard', quantity, unitPriceCents: 5000, totalCents: quantity * 5000 },
});
const placeOrder = (orderId: string, quantity: number, customerId = 'ada'): ProductCommand => ({
  type: 'PlaceOrder',
  data: { orderId, customerId, sku: 'KB', quantity },
});

describe('Product aggregate', () => {
  it('AddProduct lists a new product, once (ProductAdded v2 carries a category)', () => {
    given(Product)
      .when(addProduct)
      .then([{ type: 'ProductAdded', data: { ...addProduct.data, category: 'uncategorised' } }]);
    given(Product)
      .when({ type: 'AddProduct', data: { ...addProduct.data, category: 'peripherals' } })
      .then([{ type: 'ProductAdded', data: { ...addProduct.data, category: 'peripherals' } }]);
    given(Product, [added]).when(addProduct).thenRejects('ProductAlreadyExists');
  });

  it('PlaceOrder snapshots name and price into the event', () => {
    given(Product, [added])
      .when(placeOrder('o1', 2))
      .then([placed('o1', 2)]);
  });

  it('PlaceOrder never oversells', () => {
    const message = given(Product, [added, placed('o1', 2)])
      .when(placeOrder('o2', 1))
      .thenRejects('OutOfStock');
    expect(message).toContain('Only 0 of Keyboard left');
    given(Product, [added]).when(placeOrder('o1', 3)).thenRejects('OutOfStock');
  });

  it('PlaceOrder refuses an orderId already used and an unknown product', () => {
    given(Product, [added, placed('o1', 1)])
      .when(placeOrder('o1', 1))
      .thenRejects('DuplicateOrder');
    given(Product).when(placeOrder('o1', 1)).thenRejects('UnknownProduct');
  });

  it('CancelOrder returns the units and refunds the price paid, even after a price change', () => {
    const priceChanged: PriceChanged = { type: 'PriceChanged', data: { sku: 'KB', fromCents: 5000, toCents: 9000 } };
    given(Product, [added, placed('o1', 2), priceChanged])
      .when({ type: 'CancelOrder', data: { orderId: 'o1', sku: 'KB' } })
      .then([{ type: 'OrderCancelled', data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 2, refundCents: 10000 } }]);
    given(Product, [added, placed('o1', 2)])
      .when({ type: 'CancelOrder', data: { orderId: 'o9', sku: 'KB' } })
      .thenRejects('UnknownOrder');
    const cancelled: OrderCancelled = {
      type: 'OrderCancelled',
      data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 2, refundCents: 10000 },
    };
    given(Product, [added, placed('o1', 2), cancelled])
      .when({ type: 'CancelOrder', data: { orderId: 'o1', sku: 'KB' } })
      .thenRejects('AlreadyCancelled');
    // Stock came back: the units can be sold again.
    given(Product, [added, placed('o1', 2), cancelled])
      .when(placeOrder('o2', 2))
      .then([placed('o2', 2)]);
  });

  it('RestockProduct and ChangePrice', () => {
    given(Product, [added])
      .when({ type: 'RestockProduct', data: { sku: 'KB', quantity: 5 } })
      .then([{ type: 'ProductRestocked', data: { sku: 'KB', quantity: 5 } }]);
    given(Product, [added, placed('o1', 2), { type: 'ProductRestocked', data: { sku: 'KB', quantity: 1 } }])
      .when(placeOrder('o2', 1))
      .then([placed('o2', 1)]);
    given(Product, [added])
      .when({ type: 'ChangePrice', data: { sku: 'KB', priceCents: 5000 } })
      .thenRejects('PriceUnchanged');
    given(Product)
      .when({ type: 'RestockProduct', data: { sku: 'KB', quantity: 5 } })
      .thenRejects('UnknownProduct');
  });

  it('the helpers themselves report mismatches', () => {
    expect(() => given(Product, [added]).when(placeOrder('o1', 1)).then([])).toThrow(/expected events/);
    expect(() => given(Product, [added]).when(placeOrder('o1', 1)).thenRejects('OutOfStock')).toThrow(/expected rejection/);
    expect(() => given(Product).when(placeOrder('o1', 1)).then([])).toThrow(/rejected with UnknownProduct/);
  });
});
