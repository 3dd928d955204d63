/**
 * How the local models' classes read in Rekognition's words. The object model knows the 80 COCO classes; each gets
 * the Rekognition label of the same thing, with the broader labels Rekognition puts above it (nearest first) and its
 * label category. Classes whose Rekognition name differs say so (`cell phone` → `Mobile Phone`).
 */

export interface LabelInfo {
  readonly name: string;
  /** Nearest first: `Car` → `Vehicle`, `Transportation`. */
  readonly parents: readonly string[];
  readonly aliases?: readonly string[];
  readonly category: string;
}

const VEHICLES = 'Vehicles and Automotive';
const ANIMALS = 'Animals and Pets';
const FOOD = 'Food and Beverage';
const FURNITURE = 'Furniture and Furnishings';
const TECH = 'Technology and Computing';
const SPORTS = 'Sports';
const APPAREL = 'Apparel and Accessories';
const HOME = 'Home and Indoors';
const TOOLS = 'Tools and Machinery';
const TOYS = 'Hobbies and Interests';
const SIGNS = 'Text and Documents';
const PLANTS = 'Plants and Flowers';

function label(name: string, parents: readonly string[], category: string, aliases?: readonly string[]): LabelInfo {
  return aliases ? { name, parents, category, aliases } : { name, parents, category };
}

const ANIMAL = ['Mammal', 'Animal'];
const WILD = ['Wildlife', 'Mammal', 'Animal'];
const FRUIT = ['Fruit', 'Plant', 'Food'];
const VEGETABLE = ['Vegetable', 'Plant', 'Food'];
const VEHICLE = ['Vehicle', 'Transportation'];

export const COCO_LABELS: Readonly<Record<string, LabelInfo>> = {
  person: label('Person', [], 'Person Description', ['Human']),
  bicycle: label('Bicycle', VEHICLE, VEHICLES, ['Bike']),
  car: label('Car', VEHICLE, VEHICLES, ['Automobile']),
  motorcycle: label('Motorcycle', VEHICLE, VEHICLES, ['Motorbike']),
  airplane: label('Airplane', ['Aircraft', ...VEHICLE], VEHICLES, ['Aeroplane']),
  bus: label('Bus', VEHICLE, VEHICLES),
  train: label('Train', VEHICLE, VEHICLES),
  truck: label('Truck', VEHICLE, VEHICLES),
  boat: label('Boat', ['Watercraft', ...VEHICLE], VEHICLES),
  'traffic light': label('Traffic Light', ['Light'], VEHICLES),
  'fire hydrant': label('Fire Hydrant', ['Hydrant'], TOOLS),
  'stop sign': label('Stop Sign', ['Road Sign', 'Sign', 'Symbol'], SIGNS),
  'parking meter': label('Parking Meter', [], VEHICLES),
  bench: label('Bench', ['Furniture'], FURNITURE),
  bird: label('Bird', ['Animal'], ANIMALS),
  cat: label('Cat', ['Pet', ...ANIMAL], ANIMALS),
  dog: label('Dog', ['Canine', 'Pet', ...ANIMAL], ANIMALS),
  horse: label('Horse', ANIMAL, ANIMALS),
  sheep: label('Sheep', ['Livestock', ...ANIMAL], ANIMALS),
  cow: label('Cow', ['Cattle', 'Livestock', ...ANIMAL], ANIMALS),
  elephant: label('Elephant', WILD, ANIMALS),
  bear: label('Bear', WILD, ANIMALS),
  zebra: label('Zebra', WILD, ANIMALS),
  giraffe: label('Giraffe', WILD, ANIMALS),
  backpack: label('Backpack', ['Bag', 'Accessories'], APPAREL),
  umbrella: label('Umbrella', [], APPAREL),
  handbag: label('Handbag', ['Bag', 'Accessories'], APPAREL, ['Purse']),
  tie: label('Tie', ['Accessories', 'Formal Wear', 'Clothing'], APPAREL, ['Necktie']),
  suitcase: label('Suitcase', ['Baggage'], APPAREL, ['Luggage']),
  frisbee: label('Frisbee', ['Toy'], TOYS),
  skis: label('Ski', ['Sport'], SPORTS),
  snowboard: label('Snowboard', ['Sport'], SPORTS),
  'sports ball': label('Ball', ['Sport'], SPORTS),
  kite: label('Kite', ['Toy'], TOYS),
  'baseball bat': label('Baseball Bat', ['Sport'], SPORTS),
  'baseball glove': label('Baseball Glove', ['Sport'], SPORTS),
  skateboard: label('Skateboard', ['Sport'], SPORTS),
  surfboard: label('Surfboard', ['Sport'], SPORTS),
  'tennis racket': label('Racket', ['Sport'], SPORTS, ['Tennis Racket']),
  bottle: label('Bottle', [], FOOD),
  'wine glass': label('Glass', [], FOOD, ['Wine Glass']),
  cup: label('Cup', [], FOOD),
  fork: label('Fork', ['Cutlery'], HOME),
  knife: label('Knife', ['Cutlery'], HOME),
  spoon: label('Spoon', ['Cutlery'], HOME),
  bowl: label('Bowl', [], HOME),
  banana: label('Banana', FRUIT, FOOD),
  apple: label('Apple', FRUIT, FOOD),
  sandwich: label('Sandwich', ['Food'], FOOD),
  orange: label('Orange', ['Citrus Fruit', ...FRUIT], FOOD),
  broccoli: label('Broccoli', VEGETABLE, FOOD),
  carrot: label('Carrot', VEGETABLE, FOOD),
  'hot dog': label('Hot Dog', ['Food'], FOOD),
  pizza: label('Pizza', ['Food'], FOOD),
  donut: label('Donut', ['Sweets', 'Food'], FOOD),
  cake: label('Cake', ['Dessert', 'Food'], FOOD),
  chair: label('Chair', ['Furniture'], FURNITURE),
  couch: label('Couch', ['Furniture'], FURNITURE, ['Sofa']),
  'potted plant': label('Potted Plant', ['Plant'], PLANTS),
  bed: label('Bed', ['Furniture'], FURNITURE),
  'dining table': label('Dining Table', ['Table', 'Furniture'], FURNITURE),
  toilet: label('Toilet', [], HOME),
  tv: label('TV', ['Screen', 'Electronics'], TECH, ['Television']),
  laptop: label('Laptop', ['Computer', 'Electronics'], TECH),
  mouse: label('Mouse', ['Computer Hardware', 'Hardware', 'Electronics'], TECH),
  remote: label('Remote Control', ['Electronics'], TECH),
  keyboard: label('Computer Keyboard', ['Computer Hardware', 'Hardware', 'Electronics'], TECH),
  'cell phone': label('Mobile Phone', ['Phone', 'Electronics'], TECH, ['Cell Phone']),
  microwave: label('Microwave', ['Appliance'], HOME),
  oven: label('Oven', ['Appliance'], HOME),
  toaster: label('Toaster', ['Appliance'], HOME),
  sink: label('Sink', [], HOME),
  refrigerator: label('Refrigerator', ['Appliance'], HOME),
  book: label('Book', ['Publication'], SIGNS),
  clock: label('Clock', [], HOME),
  vase: label('Vase', ['Pottery', 'Jar'], HOME),
  scissors: label('Scissors', [], TOOLS),
  'teddy bear': label('Teddy Bear', ['Toy'], TOYS),
  'hair drier': label('Blow Dryer', ['Appliance'], HOME, ['Hair Drier']),
  toothbrush: label('Toothbrush', ['Tool'], HOME),
};

/** The category of a broader label (`Vehicle`) is the one of the classes it covers. */
export function parentCategory(name: string): string | undefined {
  for (const info of Object.values(COCO_LABELS)) {
    if (info.parents.includes(name)) return info.category;
  }
  return undefined;
}

/** The parents of a broader label: the labels after it in any chain it appears in. */
export function parentsOf(name: string): readonly string[] {
  for (const info of Object.values(COCO_LABELS)) {
    const index = info.parents.indexOf(name);
    if (index >= 0) return info.parents.slice(index + 1);
  }
  return [];
}

/** A moderation label of Rekognition's taxonomy. */
export interface ModerationInfo {
  readonly name: string;
  readonly parentName: string;
  readonly taxonomyLevel: number;
}

/**
 * The NSFW classifier's classes in Rekognition's moderation taxonomy. The classifier tells five kinds of picture
 * apart, three of them unsafe. They map onto the service's version 6.1 taxonomy, whose `Suggestive` category is
 * what the classifier's `Sexy` class means (revealing clothes, not nudity); version 7 split that category into
 * narrower ones (`Swimwear or Underwear`, ...) that the classifier cannot tell apart, so the stand-in answers in 6.1.
 * `Drawing` and `Hentai` also say the picture is illustrated, which Rekognition reports as a content type.
 */
export const NSFW_MODERATION: Readonly<Record<string, readonly ModerationInfo[]>> = {
  Porn: [{ name: 'Explicit Nudity', parentName: '', taxonomyLevel: 1 }],
  Hentai: [
    { name: 'Explicit Nudity', parentName: '', taxonomyLevel: 1 },
    { name: 'Illustrated Explicit Nudity', parentName: 'Explicit Nudity', taxonomyLevel: 2 },
  ],
  Sexy: [{ name: 'Suggestive', parentName: '', taxonomyLevel: 1 }],
};

export const NSFW_ILLUSTRATED = ['Drawing', 'Hentai'];

export const LABEL_MODEL_VERSION = '3.0';
export const MODERATION_MODEL_VERSION = '6.1';
export const TEXT_MODEL_VERSION = '3.0';
export const FACE_MODEL_VERSION = '7.0';
