import { toSimplified as kefuToSimplified } from '../dialogue/chinese-script.ts';

/**
 * Simplified → Traditional characters for the simulator's own vocabulary, so some customers
 * write Traditional Chinese (zh-Hant). A character-level map (no phrase conversion) is enough for
 * these phrasings; characters not listed are the same in both scripts or pass through.
 */
const PAIRS =
  '们們这這个個货貨东東买買卖賣换換钱錢单單订訂号號发發吗嗎么麼问問题題说說话話时時间間达達运運费費谁誰给給还還没沒后後电電视視热熱净淨网網滤濾阀閥挂掛质質坏壞响響声聲开開关關机機应應该該样樣对對错錯颜顏图圖页頁写寫实實际際种種类類价價优優会會员員积積务務态態诉訴转轉边邊请請帮幫让讓经經过過进進处處办辦谢謝觉覺为為几幾块塊两兩楼樓栋棟区區门門层層远遠邮郵递遞输輸车車场場长長现現无無准準备備确確认認识識设設计計记記许許论論试試调調谈談详詳细細终終结結级級线線纸紙约約纳納税稅头頭贸貿传傳责責术術业業报報销銷张張据據点點产產装裝复複冲衝动動刚剛帐帳账賬户戶绑綁选選择擇状狀况況询詢儿兒签簽损損壳殼异異扩擴团團赶趕杂雜难難虑慮滚滾气氣骂罵烦煩满滿脑腦乐樂欢歡厅廳阳陽岁歲换換贵貴钟鐘闭閉读讀卫衛轻輕庆慶惊驚尔爾历歷灯燈医醫丽麗迁遷来來时時从從离離总總启啟断斷级級紧緊续續绍紹绝絕统統缩縮网網罗羅职職听聽脏髒舍捨苏蘇蓝藍获獲虽雖补補见見规規览覽觉覺订訂认認讨討让讓训訓议議记記讲講许許设設证證评評识識诚誠话話该該详詳语語误誤说說请請诺諾读讀课課谁誰调調谈談谢謝负負贴貼费費贸貿资資赔賠赶趕跃躍车車软軟较較辆輛边邊达達过過还還这這进進远遠连連选選递遞邮郵释釋钢鋼销銷锁鎖错錯长長门門闪閃闲閒间間闻聞队隊阶階际際陆陸险險难難页頁顶頂项項顺順须須预預领領频頻题題额額风風飞飛馆館马馬驶駛验驗鸡雞麦麥黄黃齐齊龙龍园園圆圓国國图圖场場块塊坚堅处處备備够夠头頭夹夾奋奮妇婦孙孫宁寧实實宝寶宽寬对對寻尋导導专專层層属屬岛島帅帥师師带帶帮幫广廣庄莊库庫应應废廢开開异異弃棄张張弹彈强強归歸录錄彻徹忆憶态態怜憐总總恶惡悬懸惯慣愿願战戰户戶扫掃扰擾护護报報担擔拥擁择擇挤擠挥揮损損换換据據携攜摄攝摆擺数數斗鬥断斷无無时時旧舊显顯晒曬暂暫术術杀殺杂雜权權条條来來极極构構标標树樹样樣档檔桥橋梦夢检檢欢歡毕畢汇匯沟溝没沒泪淚泽澤浅淺济濟涨漲湾灣满滿滤濾灭滅灵靈灾災炉爐烟煙热熱爱愛牵牽独獨狮獅环環现現电電画畫畅暢疗療盐鹽监監盖蓋盘盤码碼础礎确確离離种種积積称稱稳穩窝窩竞競笔筆筑築签簽简簡类類粮糧红紅纪紀约約级級纸紙线線练練组組细細织織终終经經结結给給绝絕统統继繼绩績维維综綜绿綠缘緣网網罚罰罢罷职職联聯肃肅胜勝脚腳脸臉节節药藥获獲营營虾蝦虑慮补補装裝见見观觀规規视視览覽觉覺触觸订訂认認让讓议議讯訊记記讲講许許论論设設访訪证證识識诉訴词詞试試诗詩询詢该該误誤说說请請读讀谁誰调調谈談谋謀谢謝贝貝负負贡貢财財责責败敗货貨质質购購贯貫贴貼贵貴费費贺賀资資赏賞赚賺赛賽赞贊赠贈车車转轉轮輪软軟轻輕较較输輸辆輛辑輯边邊达達迁遷过過运運还還这這进進远遠违違连連迟遲适適选選递遞逻邏遗遺邮郵酱醬释釋钟鐘钢鋼钥鑰铁鐵银銀铺鋪链鏈销銷锁鎖锅鍋错錯键鍵镜鏡长長门門闭閉问問闯闖闲閒间間闹鬧队隊阳陽阴陰阵陣际際陆陸险險随隨隐隱难難雾霧顶頂项項顺順须須顾顧顿頓预預领領颇頗频頻题題颜顏额額风風飞飛饭飯饮飲馆館驾駕验驗骗騙鱼魚鸟鳥黄黃齐齊';

const MAP = new Map<string, string>();
for (let i = 0; i + 1 < PAIRS.length; i += 2) MAP.set(PAIRS[i]!, PAIRS[i + 1]!);
const BACK = new Map<string, string>([...MAP].map(([s, t]) => [t, s]));

export function toTraditional(text: string): string {
  let out = '';
  for (const ch of text) out += MAP.get(ch) ?? ch;
  return out;
}

/**
 * The other way, so the simulator reads (and judges) a reply in Traditional characters with the
 * same cues and facts: Kefu's own OpenCC reading (a reply may use any character), then this
 * table's pairs back, so a character the table writes reads as the one it stands for.
 */
export function toSimplified(text: string): string {
  let out = '';
  for (const ch of kefuToSimplified(text)) out += BACK.get(ch) ?? ch;
  return out;
}
