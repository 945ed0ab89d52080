import type { ChurnKind } from '#shared/store/retention';

/**
 * The demo's words (local/demo-data.ts): the names its customers and companies are made of, the
 * themes and the comments its answers say, the notes and outcomes of its cases, in English and in
 * Simplified and Traditional Chinese. Every comment holds a keyword of its theme (a unit test
 * checks it with the real tagging), so the themes report finds what the plan meant.
 */

/** The languages customers write in: Chinese customers in theirs, everyone else in English. */
export type Language = 'en' | 'zh-CN' | 'zh-TW';

/** Comment themes, with English and Chinese keywords (Traditional is folded to Simplified). */
export const DEMO_THEMES = [
  {
    name: 'price',
    keywords: ['price', 'prices', 'pricing', 'expensive', 'cost', 'costs', '价格', '贵', '涨价', '性价比'],
  },
  {
    name: 'support',
    keywords: ['support', 'customer service', 'ticket', 'tickets', '客服', '售后', '工单', '技术支持'],
  },
  {
    name: 'delivery',
    keywords: ['delivery', 'shipping', 'courier', 'shipment', '物流', '发货', '快递', '到货'],
  },
  {
    name: 'quality',
    keywords: ['quality', 'bug', 'bugs', 'defect', 'defects', '质量', '品质', '故障', '缺陷'],
  },
  {
    name: 'reliability',
    keywords: ['outage', 'outages', 'downtime', 'crash', 'crashes', '宕机', '死机', '卡顿', '闪退', '不稳定'],
  },
  {
    name: 'billing',
    keywords: ['billing', 'invoice', 'invoices', 'charged', 'refund', '账单', '发票', '扣费', '退款'],
  },
  {
    name: 'onboarding',
    keywords: ['onboarding', 'setup', 'training', 'documentation', '上手', '培训', '文档', '入门'],
  },
] as const;
export type Theme = (typeof DEMO_THEMES)[number]['name'];

export type NameParts = ReadonlyArray<readonly [string, string]>;
/** Names as one string each, to keep the lists short: `a b c`, or `x|y z` where names hold spaces. */
const list = (names: string, separator = ' '): readonly string[] => names.split(separator);
/** `王:wang 李:li`: a name and its Latin spelling (for email addresses). */
const pairs = (names: string): NameParts =>
  names.split(' ').map((pair) => {
    const [name = '', latin = ''] = pair.split(':');
    return [name, latin] as const;
  });
export const EN_FIRST = list(
  'James Olivia Noah Emma Liam Ava Ethan Mia Lucas Sophia Mason Isabella Logan Harper Owen Grace Ryan Chloe Nathan Zoe Daniel Priya Arjun Hannah Samuel Leah Adam Ruby Jack Ella Oscar Maya',
);
export const EN_LAST = list(
  'Smith Johnson Brown Taylor Wilson Davies Evans Walker Wright Hughes Green Hall Clarke Patel Turner Murphy Reed Cooper Ward Foster Bennett Hayes Ng Singh',
);
export const DE_FIRST = list('Lukas Anna Jonas Lea Felix Marie Paul Lena Maximilian Sophie');
export const DE_LAST = list('Müller Schmidt Schneider Fischer Weber Wagner Becker Hoffmann Koch');
export const FR_FIRST = list('Camille Louis Chloé Hugo Léa Gabriel Manon Arthur Inès Jules');
export const FR_LAST = list('Martin Bernard Dubois Durand Lefèvre Moreau Laurent Girard Roux');
export const ES_FIRST = list('Sofía Mateo Valentina Santiago Camila Diego Lucía Javier Elena');
export const ES_LAST = list('García Rodríguez Hernández López Martínez Sánchez Ramírez Torres');
export const PT_FIRST = list('João Ana Pedro Beatriz Gabriel Larissa Rafael Juliana Thiago');
export const PT_LAST = list('Silva Santos Oliveira Souza Costa Pereira Almeida Ferreira');
export const ZH_SURNAMES = pairs(
  '王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 赵:zhao 黄:huang 周:zhou 吴:wu 徐:xu 孙:sun 胡:hu 朱:zhu 高:gao 林:lin 何:he 郭:guo 马:ma 罗:luo',
);
export const ZH_GIVEN = pairs(
  '伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan 杰:jie 涛:tao 明:ming 超:chao 秀英:xiuying 建华:jianhua 晓东:xiaodong 海燕:haiyan 志强:zhiqiang 婷婷:tingting 子涵:zihan 宇轩:yuxuan',
);
export const TW_SURNAMES = pairs(
  '陳:chen 林:lin 黃:huang 張:chang 李:lee 王:wang 吳:wu 劉:liu 蔡:tsai 楊:yang 許:hsu 鄭:cheng',
);
export const TW_GIVEN = pairs(
  '志明:chihming 淑芬:shufen 雅婷:yating 家豪:chiahao 怡君:yichun 俊傑:chunchieh 美玲:meiling 建宏:chienhung 欣怡:hsinyi 冠宇:kuanyu',
);
export const EN_COMPANY = list(
  'Fabrikam|Tailspin|Wingtip|Adatum|Litware|Proseware|Lucerne|Alpine|Blue Yonder|Coho|Fourth Coffee|Trey|VanArsdel|Woodgrove|Wide World|Bellows|Fernhill|Greyrock|Harbor|Ironwood|Juniper|Kestrel|Larkspur|Maple|Nimbus|Oakridge|Pinnacle|Quarry|Redwood|Summit|Thistle|Vantage|Willow|Yarrow|Zephyr|Cobalt|Granite|Meridian|Northstar|Silverline',
  '|',
);
export const EN_SUFFIX = list('Systems Labs Logistics Foods Health Retail Energy Media Analytics');
export const DE_COMPANY = list('Bergmann Falkenstein Rheinwerk Nordlicht Elbtal Hanse Isartal Lindner');
export const DE_SUFFIX = list('GmbH AG Logistik Technik Werke');
export const FR_COMPANY = list('Lumière Azur Belvédère Clairval Montclair Rivoli Vercors Loiret');
export const FR_SUFFIX = list('SA Industries Conseil Logistique');
export const LATAM_COMPANY = list('Andes Pampa Cóndor Aurora Atlântico Paraná Ipanema Sierra Maya');
export const LATAM_SUFFIX = list('SA Ltda Logística Tecnologia Comercial');
export const ZH_COMPANY = pairs(
  '华星:huaxing 东方:dongfang 云帆:yunfan 瑞达:ruida 金桥:jinqiao 天成:tiancheng 海川:haichuan 宏远:hongyuan 新元:xinyuan 恒通:hengtong 博雅:boya 中联:zhonglian 远航:yuanhang 鼎信:dingxin 锦程:jincheng',
);
export const ZH_SUFFIX = pairs(
  '科技:tech 软件:soft 物流:logistics 制造:mfg 贸易:trading 医疗:health 电子:electronics',
);
export const TW_COMPANY = pairs(
  '台積:taiji 宏碁:hongqi 永豐:yungfeng 聯發:lianfa 國泰:guotai 大同:tatung 新光:shinkong',
);
export const TW_SUFFIX = pairs('科技:tech 電子:electronics 物流:logistics');

export const CHURN_NOTES: Record<ChurnKind, readonly string[]> = {
  natural: ['Company closed its office in the region', 'Project ended; no further need'],
  competitor: ['Moved to a competitor offering a lower price', 'Chose a local vendor with faster delivery'],
  'our-fault': ['Left after repeated outages', 'Left after support tickets went unanswered'],
  'ended-by-us': ['Contract ended by us: invoices unpaid for six months'],
};

// ---------------------------------------------------------------------------------------------
// What they say: comments per theme, NPS class and language, each holding one of its theme's keywords.

export type NpsClass = 'detractor' | 'passive' | 'promoter';
export type CommentBank = Record<Theme, Record<NpsClass, Record<Language, readonly string[]>>>;

export const DEMO_COMMENTS: CommentBank = {
  price: {
    detractor: {
      en: [
        'The price went up again at renewal and we see nothing new for it.',
        'Too expensive for a team our size; the pricing makes no sense.',
        'Costs keep rising while the features stay the same.',
        'The renewal price is 30% higher. We are looking at alternatives.',
      ],
      'zh-CN': [
        '价格太贵了，续约又涨价。',
        '性价比太低，功能没变价格却涨了。',
        '价格比竞品高三成，正在考虑换供应商。',
      ],
      'zh-TW': ['價格太貴了，續約又漲價。', '性價比太低，正在考慮其他廠商。'],
    },
    passive: {
      en: [
        'Does the job, but the price is hard to justify.',
        'A fair product; the renewal pricing worries us.',
      ],
      'zh-CN': ['产品还行，就是价格偏高。', '功能够用，性价比一般。'],
      'zh-TW': ['產品還可以，價格偏高。'],
    },
    promoter: {
      en: ['Great value for the price.', 'Fair pricing and a product that just works.'],
      'zh-CN': ['性价比高，推荐！', '价格合理，功能齐全。'],
      'zh-TW': ['性價比很高，推薦！'],
    },
  },
  support: {
    detractor: {
      en: [
        'Support takes days to answer a ticket.',
        'We opened three tickets last month and nobody followed up.',
        'Customer service keeps sending canned replies.',
        'Support could not solve our problem in two weeks.',
      ],
      'zh-CN': [
        '客服很慢，工单三天没人回复。',
        '技术支持解决不了问题，只会让我们等。',
        '售后服务态度差，电话总是打不通。',
      ],
      'zh-TW': ['客服很慢，工單三天沒人回覆。', '技術支持解決不了問題。'],
    },
    passive: {
      en: ['Support is friendly but tickets take a while.', 'OK overall; customer service could be quicker.'],
      'zh-CN': ['客服态度不错，但回复有点慢。', '售后还可以，希望响应再快一点。'],
      'zh-TW': ['客服態度不錯，但回覆有點慢。'],
    },
    promoter: {
      en: [
        'Support is superb, always quick to help.',
        'Great customer service: they solved our issue within an hour.',
      ],
      'zh-CN': ['客服非常专业，响应很快。', '技术支持很给力，问题当天就解决了。'],
      'zh-TW': ['客服非常專業，回覆很快。'],
    },
  },
  delivery: {
    detractor: {
      en: [
        'Delivery of our hardware was two weeks late.',
        'Shipping took forever and the courier lost a box.',
        'Another late shipment, and no tracking updates.',
      ],
      'zh-CN': ['物流太慢，发货晚了两周。', '快递把设备弄坏了，物流信息也不更新。', '到货时间一再推迟。'],
      'zh-TW': ['物流太慢，晚了兩週才到。', '快遞把設備弄壞了。'],
    },
    passive: {
      en: ['Delivery was fine this time, a bit late.', 'Shipping is OK, tracking could be better.'],
      'zh-CN': ['物流一般，偶尔延迟。', '发货速度还可以。'],
      'zh-TW': ['物流普通，偶爾延遲。'],
    },
    promoter: {
      en: ['Fast delivery and everything arrived in perfect shape.', 'Shipping was quick, well packed.'],
      'zh-CN': ['物流很快，包装完好。', '发货及时，非常满意。'],
      'zh-TW': ['物流很快，包裝完好。'],
    },
  },
  quality: {
    detractor: {
      en: [
        'Too many bugs since the last release.',
        'Quality has dropped: reports break every other week.',
        'We keep finding defects in the export feature.',
      ],
      'zh-CN': ['质量不稳定，每次升级都有新故障。', '产品缺陷太多，报表经常出错。'],
      'zh-TW': ['品質不穩定，每次更新都有新故障。'],
    },
    passive: {
      en: ['Good product, a few bugs here and there.', 'Quality is decent but not what it was.'],
      'zh-CN': ['质量还可以，偶尔有小故障。'],
      'zh-TW': ['品質還可以，偶爾有小問題。'],
    },
    promoter: {
      en: ['Rock solid quality, our team loves it.', 'Excellent quality and very few bugs.'],
      'zh-CN': ['产品质量很好，团队都很喜欢。', '质量过硬，几乎没有故障。'],
      'zh-TW': ['產品品質很好，推薦！'],
    },
  },
  reliability: {
    detractor: {
      en: [
        'Three outages this month. We are evaluating alternatives.',
        'The dashboard crashes on large accounts.',
        'Downtime during our busiest week, again.',
      ],
      'zh-CN': [
        '系统经常卡顿，高峰期还宕机。',
        '手机端经常闪退，非常影响工作。',
        '服务不稳定，这个月宕机两次。',
      ],
      'zh-TW': ['系統經常卡頓，尖峰時段還宕機。'],
    },
    passive: {
      en: ['Mostly stable; one outage this quarter.', 'Fine, apart from an occasional crash.'],
      'zh-CN': ['系统总体稳定，偶尔卡顿。'],
      'zh-TW': ['系統大致穩定，偶爾卡頓。'],
    },
    promoter: {
      en: ['Not a single outage all year.', 'Reliable: no downtime since we switched.'],
      'zh-CN': ['系统很稳定，从没宕机。'],
      'zh-TW': ['系統很穩定，從沒宕機。'],
    },
  },
  billing: {
    detractor: {
      en: [
        'Billing charged us twice and the refund took a month.',
        'The invoices are wrong every quarter.',
        'We were charged for seats we had cancelled.',
      ],
      'zh-CN': ['账单经常出错，重复扣费。', '发票开错了三次，退款也很慢。'],
      'zh-TW': ['發票開錯了好幾次，退款也很慢。'],
    },
    passive: {
      en: ['The billing portal is confusing but works.'],
      'zh-CN': ['账单有点复杂，但还能用。'],
      'zh-TW': ['發票流程有點複雜。'],
    },
    promoter: {
      en: ['Clear invoices, no surprises.'],
      'zh-CN': ['账单清楚，没有额外扣费。'],
      'zh-TW': ['發票清楚，沒有問題。'],
    },
  },
  onboarding: {
    detractor: {
      en: [
        'Setup was painful and the documentation is out of date.',
        'Onboarding took months; training sessions kept being cancelled.',
      ],
      'zh-CN': ['上手太难，文档也不全。', '培训安排混乱，新员工入门很慢。'],
      'zh-TW': ['上手太難，文檔也不完整。'],
    },
    passive: {
      en: ['Setup took longer than planned; fine now.', 'Training was useful, the documentation less so.'],
      'zh-CN': ['文档有待完善，上手需要时间。'],
      'zh-TW': ['文檔還需要改進。'],
    },
    promoter: {
      en: [
        'Onboarding was smooth and the training excellent.',
        'Setup took an afternoon. Great documentation.',
      ],
      'zh-CN': ['培训很到位，上手很快。', '文档清晰，入门很容易。'],
      'zh-TW': ['培訓很到位，上手很快。'],
    },
  },
};

export const CONTACT_NOTES: Record<Language, readonly string[]> = {
  en: [
    'Called {name}; went through the issue and agreed next steps.',
    'Emailed {name} and set up a call with their team lead.',
    'Video call with {name}; reviewed the open tickets together.',
  ],
  'zh-CN': ['已电话联系{name}，了解问题并约定跟进。', '已和{name}开会，逐条过了未解决的工单。'],
  'zh-TW': ['已電話聯繫{name}，了解問題並約定後續。'],
};
export const OUTCOMES: Record<Theme | 'none', { en: string; zh: string }> = {
  price: { en: 'Renewal discount agreed', zh: '续约给予折扣，客户接受' },
  support: { en: 'Tickets escalated to the support lead and closed', zh: '工单升级给技术支持主管，已关闭' },
  delivery: { en: 'Replacement sent by express; tracking shared', zh: '已加急补发并提供物流跟踪' },
  quality: {
    en: 'Fix shipped in the next release; customer confirmed',
    zh: '问题已在新版本修复，客户已确认',
  },
  reliability: {
    en: 'Root cause shared; moved to a dedicated cluster',
    zh: '已说明故障原因，并迁移到专属集群',
  },
  billing: { en: 'Refund issued and invoice corrected', zh: '已退款并更正发票' },
  onboarding: { en: 'Extra training sessions booked', zh: '已安排额外培训' },
  none: { en: 'Account review held; no further action', zh: '已完成客户回访，无需进一步处理' },
};
