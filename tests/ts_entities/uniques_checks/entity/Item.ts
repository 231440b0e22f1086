import { Entity, Column, PrimaryGeneratedColumn, Unique, Check } from "typeorm";

@Entity()
@Unique(["sku", "warehouse"])
@Unique("item_barcode_key", ["barcode"])
@Check(`"quantity" >= 0`)
@Check("item_price_positive", `"price" > 0`)
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  sku: string;

  @Column()
  warehouse: string;

  @Column()
  barcode: string;

  @Column({ unique: true })
  slug: string;

  @Column()
  quantity: number;

  @Column()
  price: number;
}
