import type { CatalogueProduct } from './find-products.ts';

/**
 * The demo shop's catalogue as kb/demo-shop describes it (products.csv, installation.jsonl):
 * names as the Chinese knowledge-base titles give them, aliases in zh and en as customers say them.
 */
export const DEMO_PRODUCTS: readonly CatalogueProduct[] = [
  {
    name: 'Kefu 空气净化器 P3',
    aliases: ['空气净化器 P3', '空气净化器', '净化器', '空净', 'Kefu Air Purifier P3', 'Air Purifier P3', 'air purifier', 'purifier', 'P3'],
  },
  {
    name: 'Kefu 空气净化器 P3 复合滤网',
    aliases: ['原装复合滤网', '复合滤网', '滤网', '滤芯', 'replacement filter', 'composite filter', 'filter'],
  },
  {
    name: 'Kefu 65英寸 4K 电视',
    aliases: ['65英寸4K电视', '65英寸电视', '65寸电视', '4K电视', '电视机', '电视', 'Kefu 65-inch 4K TV', '65-inch TV', '65 inch TV', '4K TV', 'television', 'TV'],
  },
  {
    name: 'Kefu 60升电热水器',
    aliases: ['60升电热水器', '60升热水器', '60L热水器', '电热水器', '热水器', 'Kefu 60 L Water Heater', '60 L water heater', '60L water heater', 'water heater'],
  },
];
