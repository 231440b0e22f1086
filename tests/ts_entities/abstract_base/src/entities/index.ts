export * from "./shop.entity";
export { Product } from "./product.entity";
